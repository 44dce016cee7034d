import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { isAbsolute, join, resolve } from "node:path";
import type { Backend, Outcome } from "../backends/types";
import type { Action, BackendKind } from "../core/actions";
import { ClauderonError } from "../core/errors";
import { resourceName, validateName } from "../core/names";
import type { Health } from "../core/states";
import * as git from "../git/git";
import { waitLock, type Lock } from "../store/lock";
import { backupsPath, historyPath, lockFile, workspacePath } from "../store/paths";
import { freshTracking } from "../core/reconcile-plan";
import type { Session } from "../store/schema";
import { addEvent } from "../store/store";
import type { App } from "./app";
import { factsOf, healthOf } from "./observe";

const LOCK_WAIT_MS = 5_000;
const iso = (t: number) => new Date(t).toISOString();

/** Run `fn` holding the session's lock; busy (exit 1) when another process keeps it. */
export async function withLock<T>(app: App, name: string, fn: (lock: Lock) => Promise<T>, waitMs = LOCK_WAIT_MS): Promise<T> {
  const lock = await waitLock(lockFile(app.paths, name), waitMs);
  if (!lock) {
    throw new ClauderonError("busy", `another clauderon process is acting on session "${name}"; try again when it has finished`);
  }
  try {
    return await fn(lock);
  } finally {
    lock.release();
  }
}

export interface Current {
  session: Session;
  outcome: Outcome;
  health: Health;
  backend: Backend;
}

/** Re-read the session and re-observe its resource. Call it holding the lock. */
export async function current(app: App, name: string): Promise<Current> {
  const session = app.store.get(name);
  const backend = await app.backend(session.backend);
  const outcome = await backend.observeOne(session);
  if (!outcome.ok) throw new ClauderonError("unreachable", outcome.error);
  // we hold the lock: an operation recorded in the file was interrupted, not live
  const facts = factsOf(app, session);
  if (facts.operation) facts.operation.live = false;
  return { session, outcome, backend, health: healthOf(app, session, outcome, facts) };
}

/** Refuse an action the state does not offer (exit 3, with what is available). */
export function requireAction(name: string, health: Health, action: Action) {
  if (health.actions.includes(action)) return;
  const blocked = health.blocked?.find((b) => b.action === action);
  if (blocked) {
    throw new ClauderonError("blocked", `cannot ${action} session "${name}": ${blocked.reason}`, {
      extra: { state: health.state, actions: health.actions },
    });
  }
  throw new ClauderonError("not-available", `cannot ${action} session "${name}": not available while it is ${health.state} (${health.description})`, {
    hints: [`available: ${health.actions.join(", ") || "(none)"}`],
    extra: { state: health.state, actions: health.actions },
  });
}

/** Any manual action resets the reconcile tracking (and revives a session that gave up). */
function manualReset(app: App, s: Session, action: string) {
  if (s.reconcile.attempts || s.reconcile.gaveUp || s.reconcile.nextAttemptAt) {
    addEvent(s, app.clock.now(), "reconcile-reset", `reconcile tracking reset by a manual ${action}`);
  }
  s.reconcile = freshTracking(null);
}

/** A failed action leaves a truthful record (unless the backend could not even be reached). */
export function recordFailure(app: App, s: Session, action: string, e: unknown) {
  const message = (e as Error).message;
  const now = app.clock.now();
  s.operation = null;
  s.lastError = { action, message, at: iso(now) };
  addEvent(s, now, "error", `${action} failed: ${message}`);
  app.store.write(s);
}

// ---------------------------------------------------------------- create

export interface CreateInput {
  name: string;
  repo: string;
  backend: BackendKind;
  image?: string;
  branch?: string;
  env: string[];
  argv?: string[];
}

const ENV_KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;
const IMAGE_REF = /^[a-zA-Z0-9][a-zA-Z0-9._\/:@-]{0,254}$/;

export function parseEnv(pairs: string[]): Record<string, string> {
  const env: Record<string, string> = {};
  for (const p of pairs) {
    const eq = p.indexOf("=");
    const key = eq > 0 ? p.slice(0, eq) : "";
    if (!ENV_KEY.test(key)) {
      throw new ClauderonError("usage", `invalid --env ${JSON.stringify(p.split("=")[0])}: expected KEY=VALUE with KEY made of letters, digits and '_' (not starting with a digit)`);
    }
    env[key] = p.slice(eq + 1);
  }
  return env;
}

export function validateImage(image: string | undefined) {
  if (image !== undefined && !IMAGE_REF.test(image)) {
    throw new ClauderonError("usage", `invalid --image ${JSON.stringify(image)}: expected an image reference such as "repo/name:tag" (letters, digits, . _ / : @ -)`);
  }
}

export function resolveRepo(repo: string): string {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(repo) || /^[^/\s]+@[^/\s]+:/.test(repo)) return repo;
  const abs = isAbsolute(repo) ? repo : resolve(repo);
  if (!existsSync(abs)) {
    throw new ClauderonError("usage", `--repo ${JSON.stringify(repo)}: no such directory, and not a URL (use a local path to a git repository or a URL such as https://… or git@host:repo)`);
  }
  return abs;
}

const hasHistory = (dir: string) => existsSync(dir) && readdirSync(dir).length > 0;

export async function createSession(app: App, input: CreateInput): Promise<Session> {
  const name = validateName(input.name);
  validateImage(input.image);
  const env = parseEnv(input.env);
  const repo = resolveRepo(input.repo);
  if (input.argv && input.argv.length === 0) throw new ClauderonError("usage", "nothing after '--': give the agent command, or leave out '--' to use the configured agent");
  if (app.store.exists(name)) {
    throw new ClauderonError("exists", `session "${name}" already exists`, { hints: [`'clauderon status ${name}' shows it; 'clauderon cleanup ${name}' removes it`] });
  }
  // reach the backend before touching the disk: an unreachable engine changes nothing
  const backend = await app.backend(input.backend);
  let endpoint: Session["endpoint"];
  try {
    endpoint = await backend.bind();
  } catch (e) {
    const err = e instanceof ClauderonError ? e : new ClauderonError("failure", (e as Error).message);
    throw new ClauderonError(err.code, `create failed while connecting to ${input.backend}: ${err.message}`, { hints: err.hints });
  }
  return withLock(app, name, async () => {
    if (app.store.exists(name)) throw new ClauderonError("exists", `session "${name}" already exists`);
    const workspace = workspacePath(app.paths, name);
    const historyDir = historyPath(app.paths, name);
    for (const dir of [workspace, historyDir]) {
      if (existsSync(dir)) {
        throw new ClauderonError("exists", `${dir} already exists but belongs to no session`, { hints: ["'clauderon cleanup' (no name) lists and removes such leftovers"] });
      }
    }
    let step = "cloning the repository";
    // what this create has made so far: removed again on failure or when interrupted
    const made: { tmp?: string; workspace?: boolean; history?: boolean; session?: Session } = {};
    const rollback = async (interrupted: boolean) => {
      if (interrupted) await git.stopRunning(); // a clone still writing would recreate what we remove
      if (made.session && interrupted) await backend.remove(made.session).catch(() => undefined);
      if (made.tmp) rmSync(made.tmp, { recursive: true, force: true });
      if (made.workspace) rmSync(workspace, { recursive: true, force: true });
      if (made.history) rmSync(historyDir, { recursive: true, force: true });
      if (made.session) app.store.remove(name);
    };
    // Ctrl-C or a `cleanup` of this Pending session cancels the creation: nothing is left behind
    // the lock stays held until the process exits, so nobody sees a half-removed session
    let cancelling: Promise<void> | undefined;
    const onSignal = (sig: NodeJS.Signals) => {
      app.log.warn(`create of "${name}" cancelled (${sig}); removing what it made`);
      cancelling = rollback(true).finally(() => process.exit(sig === "SIGINT" ? 130 : 143));
    };
    process.once("SIGINT", onSignal);
    process.once("SIGTERM", onSignal);
    try {
      mkdirSync(app.paths.workspacesDir, { recursive: true, mode: 0o700 });
      made.tmp = join(app.paths.workspacesDir, `.tmp-${name}-${process.pid}-${Math.random().toString(36).slice(2, 8)}`);
      app.progress(`cloning ${repo}`);
      await git.clone(repo, made.tmp, input.branch ?? null, !app.json && !!process.stderr.isTTY);
      step = "creating the work branch";
      const workBranch = `clauderon/${name}`;
      await git.checkoutNewBranch(made.tmp, workBranch);
      const baseCommit = await git.headCommit(made.tmp);
      renameSync(made.tmp, workspace);
      made.tmp = undefined;
      made.workspace = true;
      mkdirSync(historyDir, { recursive: true, mode: 0o700 });
      made.history = true;
      const now = app.clock.now();
      const s: Session = {
        schema: 1,
        name,
        backend: input.backend,
        createdAt: iso(now),
        config: {
          repo,
          branch: input.branch ?? null,
          workBranch,
          baseCommit,
          image: input.backend === "docker" ? (input.image ?? app.config.agent.image) : null,
          command: input.argv ?? app.config.agent.command,
          resumeArgs: input.argv ? [] : app.config.agent.resume_args,
          agent: input.argv ? "custom" : "claude",
          env,
        },
        endpoint,
        resource: { name: resourceName(name), id: null, seen: false, removedByUs: false, stoppedByUs: false, deletionAcknowledged: false },
        operation: { kind: "create", pid: process.pid, startedAt: iso(now) },
        lastKnown: null,
        lastError: null,
        reconcile: freshTracking(null),
        backups: [],
        previousLogs: null,
        events: [],
      };
      addEvent(s, now, "create", `created from ${repo}${input.branch ? ` (branch ${input.branch})` : ""} on ${workBranch} at ${baseCommit.slice(0, 12)}`);
      app.store.write(s);
      made.session = s;
      step = input.backend === "docker" ? "creating the container" : "creating the zellij session";
      app.progress(step);
      const id = await backend.create(s, { resume: false });
      const done = app.clock.now();
      s.resource = { ...s.resource, id, seen: true };
      s.operation = null;
      s.lastKnown = { state: "Healthy", description: "created", details: {}, at: iso(done) };
      if (cancelling) await cancelling;
      addEvent(s, done, "start", `${resourceName(name)} created and started`, { id });
      app.store.write(s);
      return s;
    } catch (e) {
      if (cancelling) await cancelling;
      // nothing is left behind: no half clone, no resource (the backend removes its own), no record
      await rollback(false);
      const err = e instanceof ClauderonError ? e : new ClauderonError("failure", (e as Error).message);
      throw new ClauderonError(err.code === "usage" ? "usage" : err.code, `create failed while ${step}: ${err.message}`, { hints: err.hints });
    } finally {
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
    }
  });
}

// ---------------------------------------------------------------- start / stop

export async function startSession(app: App, name: string): Promise<Session> {
  return withLock(app, name, async () => {
    const c = await current(app, name);
    requireAction(name, c.health, "start");
    const s = c.session;
    manualReset(app, s, "start");
    try {
      await c.backend.start(s);
    } catch (e) {
      if ((e as ClauderonError).code !== "unreachable") recordFailure(app, s, "start", e);
      throw e;
    }
    s.resource.stoppedByUs = false;
    s.lastError = null;
    addEvent(s, app.clock.now(), "start", "started by clauderon start");
    app.store.write(s);
    return s;
  });
}

export async function stopSession(app: App, name: string): Promise<Session> {
  return withLock(app, name, async () => {
    const c = await current(app, name);
    requireAction(name, c.health, "stop");
    const s = c.session;
    manualReset(app, s, "stop");
    // marked before stopping: the container's exit is ours, whatever its code
    s.resource.stoppedByUs = true;
    app.store.write(s);
    try {
      await c.backend.stop(s);
    } catch (e) {
      s.resource.stoppedByUs = false;
      if ((e as ClauderonError).code !== "unreachable") recordFailure(app, s, "stop", e);
      else app.store.write(s);
      throw e;
    }
    addEvent(s, app.clock.now(), "stop", "stopped by clauderon stop (restart policy 'no' while stopped)");
    app.store.write(s);
    return s;
  });
}

// ---------------------------------------------------------------- recreate

export interface RecreateOptions {
  fresh: boolean;
  image?: string;
  backend?: BackendKind;
  /** reconcile: CrashLoop recreate is manual only; the lock is already held by the caller */
  unattended?: boolean;
}

export interface RecreateResult {
  session: Session;
  backup?: string;
}

export async function recreateSession(app: App, name: string, o: RecreateOptions): Promise<RecreateResult> {
  return withLock(app, name, async () => {
    const c = await current(app, name);
    return recreateLocked(app, c, o);
  });
}

/** Recreate with the lock held and the session freshly observed. */
export async function recreateLocked(app: App, c: Current, o: RecreateOptions): Promise<RecreateResult> {
  const action: Action = o.fresh ? "recreate-fresh" : "recreate";
  const { session: s } = c;
  const name = s.name;
  requireAction(name, c.health, action);
  validateImage(o.image);
  if (!o.unattended) manualReset(app, s, action);
  const now = () => app.clock.now();
  let backend = c.backend;
  const workspace = workspacePath(app.paths, name);
  let backup: string | undefined;

  // config changes asked for (recorded before acting; recreate uses the session config, never defaults)
  const oldBackend = c.backend;
  if (o.image && o.image !== s.config.image) {
    addEvent(s, now(), "config", `image changed from ${s.config.image ?? "(none)"} to ${o.image}`);
    s.config.image = o.image;
  }
  let newEndpoint: Session["endpoint"] | undefined;
  if (o.backend && o.backend !== s.backend) {
    backend = await app.backend(o.backend);
    newEndpoint = await backend.bind();
  }

  s.operation = { kind: o.fresh ? "recreate-fresh" : "recreate", pid: process.pid, startedAt: iso(now()) };
  app.store.write(s);
  try {
    if (o.fresh) backup = await freshWorkspace(app, s, workspace);
    // keep the last lines of the resource being replaced (logs --previous)
    try {
      const out = await oldBackend.lastOutput(s, 500);
      if (out !== undefined) {
        mkdirSync(app.paths.logsDir, { recursive: true, mode: 0o700 });
        const file = join(app.paths.logsDir, `${name}.previous.log`);
        writeFileSync(file, out, { mode: 0o600 });
        s.previousLogs = file;
      }
    } catch {
      /* best effort */
    }
    const existed = await oldBackend.remove(s);
    s.resource = { ...s.resource, id: null, removedByUs: true, stoppedByUs: false };
    if (existed) addEvent(s, now(), "remove", `${s.resource.name} removed for ${action}`);
    if (newEndpoint && o.backend) {
      addEvent(s, now(), "config", `backend changed from ${s.backend} to ${o.backend}`);
      s.backend = o.backend;
      s.endpoint = newEndpoint;
      if (o.backend === "zellij") s.config.image = null;
      else s.config.image ??= app.config.agent.image;
    }
    app.store.write(s);
    const resume = !o.fresh && s.config.agent === "claude" && hasHistory(historyPath(app.paths, name));
    app.progress(`creating ${s.resource.name}${resume ? " (resuming the conversation)" : ""}`);
    const id = await backend.create(s, { resume });
    s.resource = { ...s.resource, id, seen: true, removedByUs: false, stoppedByUs: false, deletionAcknowledged: false };
    s.operation = null;
    s.lastError = null;
    addEvent(s, now(), action, `${s.resource.name} recreated${resume ? ", conversation resumed" : ""}${backup ? `; backup at ${backup}` : ""}`, { id, ...(backup ? { backup } : {}) });
    app.store.write(s);
    return { session: s, backup };
  } catch (e) {
    recordFailure(app, s, action, e);
    if (backup) {
      throw new ClauderonError((e as ClauderonError).code ?? "failure", `${(e as Error).message} (uncommitted work was saved to ${backup})`);
    }
    throw e;
  }
}

/** Back up, then reset the clone to its committed state (re-clone only when missing or broken). */
async function freshWorkspace(app: App, s: Session, workspace: string): Promise<string | undefined> {
  const state = await git.cloneState(workspace);
  const stamp = iso(app.clock.now()).replace(/[:.]/g, "-");
  const dest = join(backupsPath(app.paths, s.name), stamp);
  if (state === "ok") {
    app.progress("backing up uncommitted work");
    const b = await git.backupWorkspace(workspace, dest);
    recordBackup(app, s, b.path, "recreate-fresh");
    app.progress(`backup saved to ${b.path}; resetting the workspace to its committed state`);
    await git.resetToCommitted(workspace);
    return b.path;
  }
  let backup: string | undefined;
  if (state === "broken") {
    // keep whatever is there, untouched, in the backup
    mkdirSync(dest, { recursive: true, mode: 0o700 });
    renameSync(workspace, join(dest, "workspace"));
    backup = dest;
    recordBackup(app, s, dest, "recreate-fresh (broken clone moved aside)");
  }
  app.progress(`cloning ${s.config.repo} again`);
  const tmp = join(app.paths.workspacesDir, `.tmp-${s.name}-${process.pid}-${Math.random().toString(36).slice(2, 8)}`);
  try {
    await git.clone(s.config.repo, tmp, s.config.branch, !app.json && !!process.stderr.isTTY);
    await git.checkoutNewBranch(tmp, s.config.workBranch);
    const base = await git.headCommit(tmp);
    renameSync(tmp, workspace);
    if (base !== s.config.baseCommit) {
      addEvent(s, app.clock.now(), "config", `re-cloned: base commit is now ${base.slice(0, 12)}`);
      s.config.baseCommit = base;
    }
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
  return backup;
}

function recordBackup(app: App, s: Session, path: string, reason: string) {
  const now = app.clock.now();
  s.backups.push({ path, at: iso(now), reason });
  addEvent(s, now, "backup", `uncommitted work saved to ${path}`, { path });
  app.store.write(s);
}

// ---------------------------------------------------------------- cleanup

export interface CleanupOptions {
  /** asked when work would be lost; return true to go on */
  confirmLoss: (risk: string[]) => Promise<boolean>;
}

export async function cleanupSession(app: App, name: string, o: CleanupOptions): Promise<{ removed: string[]; backupsKept: string[] }> {
  validateName(name);
  const s0 = app.store.get(name);
  // Pending because a `clauderon create` is running: cleanup cancels that creation (the create
  // removes what it made on SIGTERM). Never signal the process of another operation (a reconcile
  // pass or the daemon); wait for its lock instead.
  let cancelled = false;
  if (s0.operation?.kind === "create" && factsOf(app, s0).operation?.live && s0.operation.pid !== process.pid) {
    try {
      process.kill(s0.operation.pid, "SIGTERM");
      cancelled = true;
    } catch {
      /* already gone */
    }
  }
  return withLock(app, name, async () => {
    if (cancelled && !app.store.exists(name)) return { removed: [`the creation of "${name}" (cancelled)`], backupsKept: [] };
    const c = await current(app, name);
    requireAction(name, c.health, "cleanup");
    const s = c.session;
    const workspace = workspacePath(app.paths, name);
    const status = await git.workspaceStatus(workspace, s.config.baseCommit);
    const risk = git.workAtRisk(status);
    if (risk.length && !(await o.confirmLoss(risk))) {
      throw new ClauderonError("unsaved-work", `cleanup of "${name}" would lose work: ${risk.join(", ")}`, {
        hints: ["commit and push it first, or run again with --yes to remove it anyway"],
        extra: { wouldLose: risk, dirty: status.dirty.slice(0, 50) },
      });
    }
    const removed: string[] = [];
    try {
      if (await c.backend.remove(s)) removed.push(s.resource.name);
    } catch (e) {
      if ((e as ClauderonError).code !== "unreachable") recordFailure(app, s, "cleanup", e);
      throw e;
    }
    for (const p of [workspace, historyPath(app.paths, name), join(app.paths.logsDir, `${name}.previous.log`)]) {
      if (existsSync(p)) {
        rmSync(p, { recursive: true, force: true });
        removed.push(p);
      }
    }
    app.store.remove(name);
    removed.push(app.store.file(name));
    return { removed, backupsKept: s.backups.map((b) => b.path).filter((p) => existsSync(p)) };
  });
}

