import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ClauderonError } from "../../core/errors";
import { deriveZellij, type ZellijObservation } from "../../core/health";
import { resourceName } from "../../core/names";
import { historyPath, workspacePath } from "../../store/paths";
import type { Session } from "../../store/schema";
import { agentArgv, passEnv } from "../agent";
import type { Backend, BackendContext, CreateOptions, LogOptions, ObserveAll, Observation, Orphan, Outcome } from "../types";
import { MIN_ZELLIJ, agentLayout, agentPane, parseListSessions, parsePanes, parseVersion, runZellij, socketDirFor, versionAtLeast, zellijBinary, type ListedSession, type Run } from "./cli";

const PREFIX = "clauderon-";

/** zellij: clauderon shells out to the binary with argv arrays, always with the same socket dir. */
export class ZellijBackend implements Backend {
  readonly kind = "zellij" as const;
  private checked: { bin: string; version: string } | undefined;

  constructor(private readonly ctx: BackendContext) {}

  get socketDir(): string {
    return socketDirFor(this.ctx.env, this.ctx.config.zellij.socket_dir);
  }

  private get timeoutMs() {
    return this.ctx.config.health.check_timeout * 1000;
  }

  /** The environment of every zellij call: ours, minus zellij's session markers, plus the socket dir. */
  private env(extra: Record<string, string> = {}): Record<string, string | undefined> {
    const env: Record<string, string | undefined> = { ...this.ctx.env, ...extra, ZELLIJ_SOCKET_DIR: this.socketDir };
    delete env.ZELLIJ;
    delete env.ZELLIJ_SESSION_NAME;
    delete env.ZELLIJ_PANE_ID;
    return env;
  }

  /** The binary, checked once: present and at least 0.44.0. Otherwise unreachable (never "missing"). */
  private async bin(): Promise<string> {
    if (this.checked) return this.checked.bin;
    const bin = zellijBinary(this.ctx.env);
    if (!bin) {
      throw new ClauderonError("unreachable", `zellij is not installed: ${this.ctx.env.CLAUDERON_ZELLIJ ? `CLAUDERON_ZELLIJ=${this.ctx.env.CLAUDERON_ZELLIJ}` : "no 'zellij' on PATH"}`, {
        hints: [`install zellij ${MIN_ZELLIJ} or later, or point CLAUDERON_ZELLIJ at it`],
      });
    }
    const r = await runZellij(bin, ["--version"], { env: this.env(), timeoutMs: this.timeoutMs, socketDir: this.socketDir });
    const version = parseVersion(r.stdout);
    if (r.code !== 0 || !version) throw new ClauderonError("unreachable", `cannot run ${bin} --version (exit ${r.code}): ${(r.stderr || r.stdout).trim()}`);
    if (!versionAtLeast(version, MIN_ZELLIJ)) {
      throw new ClauderonError("unreachable", `zellij ${version} (${bin}) is too old: clauderon needs ${MIN_ZELLIJ} or later (list-panes, run without clients, version-independent sockets)`);
    }
    this.checked = { bin, version };
    return bin;
  }

  private async zj(args: string[], quiet = false): Promise<Run> {
    return runZellij(await this.bin(), args, { env: this.env(), timeoutMs: this.timeoutMs, socketDir: this.socketDir, quiet });
  }

  /** One list-sessions call. "No active zellij sessions found." with exit 1 is an empty list. */
  private async listSessions(): Promise<ListedSession[]> {
    const r = await this.zj(["list-sessions", "--no-formatting"]);
    if (r.code === 0) return parseListSessions(r.stdout);
    if (r.code === 1 && r.stderr.includes("No active zellij sessions found")) return [];
    throw new ClauderonError("unreachable", `zellij list-sessions failed (exit ${r.code}, socket dir ${this.socketDir}): ${(r.stderr || r.stdout).trim()}`);
  }

  /** The session listed under exactly this name (one list-sessions call). */
  private async listed(name: string): Promise<ListedSession | undefined> {
    return (await this.listSessions()).find((l) => l.name === name);
  }

  private async panes(name: string) {
    const r = await this.zj(["--session", name, "action", "list-panes", "--json"]);
    if (r.code !== 0) return undefined; // the session went away between the two calls
    try {
      return parsePanes(r.stdout);
    } catch (e) {
      throw new ClauderonError("unreachable", `zellij list-panes for ${name} gave unreadable output: ${(e as Error).message}`);
    }
  }

  private mismatch(s: Session): string | undefined {
    if (s.endpoint.socketDir && s.endpoint.socketDir !== this.socketDir) {
      return `session "${s.name}" lives in zellij socket dir ${s.endpoint.socketDir}, but this environment resolves ${this.socketDir}; set ZELLIJ_SOCKET_DIR=${s.endpoint.socketDir} (not acting on the wrong server)`;
    }
    return undefined;
  }

  private async observation(listed: ListedSession | undefined): Promise<Observation> {
    let z: ZellijObservation;
    if (!listed) z = { listed: false };
    else if (listed.exited) z = { listed: true, exited: true };
    else {
      const panes = await this.panes(listed.name);
      if (!panes) z = { listed: false };
      else {
        const p = agentPane(panes);
        if (!p) z = { listed: true, exited: false, pane: { missing: true } };
        else if (p.exited) z = { listed: true, exited: false, pane: { running: false, exitStatus: p.exit_status ?? null } };
        else if (p.is_held) z = { listed: true, exited: false, pane: { running: false, exitStatus: null } };
        else z = { listed: true, exited: false, pane: { running: true } };
      }
    }
    const startedAt = listed?.ageSeconds !== undefined ? Date.now() - listed.ageSeconds * 1000 : undefined;
    return { found: z.listed, derive: (facts) => deriveZellij(z, facts), startedAt };
  }

  async bind(): Promise<Session["endpoint"]> {
    await this.listSessions();
    return { socketDir: this.socketDir };
  }

  async observe(sessions: Session[], known: Set<string>, scanOrphans: boolean): Promise<ObserveAll> {
    const result: ObserveAll = { bySession: new Map(), orphans: [], foreign: 0, errors: [] };
    let listed: ListedSession[];
    try {
      listed = await this.listSessions();
    } catch (e) {
      const msg = (e as Error).message;
      for (const s of sessions) result.bySession.set(s.name, { ok: false, error: msg });
      if (sessions.length) result.errors.push(msg);
      return result;
    }
    const byName = new Map(listed.map((l) => [l.name, l]));
    await Promise.all(
      sessions.map(async (s) => {
        const problem = this.mismatch(s);
        if (problem) return void result.bySession.set(s.name, { ok: false, error: problem });
        try {
          result.bySession.set(s.name, { ok: true, obs: await this.observation(byName.get(resourceName(s.name))) });
        } catch (e) {
          result.bySession.set(s.name, { ok: false, error: (e as Error).message });
        }
      }),
    );
    if (scanOrphans) {
      for (const l of listed) {
        if (l.name.startsWith(PREFIX) && !known.has(l.name.slice(PREFIX.length))) result.orphans.push({ backend: "zellij", id: l.name, name: l.name });
      }
    }
    return result;
  }

  async observeOne(s: Session): Promise<Outcome> {
    const problem = this.mismatch(s);
    if (problem) return { ok: false, error: problem };
    try {
      return { ok: true, obs: await this.observation(await this.listed(resourceName(s.name))) };
    } catch (e) {
      return { ok: false, error: (e as Error).message };
    }
  }

  /** Delete for good (so it can never be resurrected with a suspended pane). False when it was not there. */
  private async deleteSession(name: string): Promise<boolean> {
    const before = (await this.listed(name)) !== undefined;
    const r = await this.zj(["delete-session", "--force", name]);
    // exit 2 "not found" after a force kill only means there was no resurrection data yet
    if (r.code !== 0 && r.code !== 2) throw new ClauderonError("backend", `zellij delete-session ${name} failed (exit ${r.code}): ${(r.stderr || r.stdout).trim()}`);
    const after = await this.waitListed(name, false);
    if (after) throw new ClauderonError("backend", `zellij session ${name} is still listed after delete-session --force`);
    return before;
  }

  /** Poll list-sessions until `name` is (or is no longer) listed as live; returns whether it is listed. */
  private async waitListed(name: string, live: boolean): Promise<boolean> {
    const deadline = Date.now() + this.timeoutMs;
    for (;;) {
      const l = await this.listed(name);
      const ok = live ? l !== undefined && !l.exited : l === undefined;
      if (ok || Date.now() > deadline) return l !== undefined && (!live || !l.exited);
      await Bun.sleep(100);
    }
  }

  async create(s: Session, opts: CreateOptions): Promise<string> {
    const problem = this.mismatch(s);
    if (problem) throw new ClauderonError("unreachable", problem);
    const name = resourceName(s.name);
    const workspace = workspacePath(this.ctx.paths, s.name);
    if (!existsSync(workspace)) throw new ClauderonError("blocked", `the workspace ${workspace} does not exist`);
    const existing = await this.listed(name);
    if (existing && !existing.exited) throw new ClauderonError("backend", `a zellij session named ${name} is already running`);
    if (existing) await this.deleteSession(name); // never resurrect: start clean
    const dir = join(this.ctx.paths.home, "zellij");
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const layout = join(dir, `${s.name}.kdl`);
    writeFileSync(layout, agentLayout(agentArgv(s, opts.resume), workspace), { mode: 0o600 });
    const agentEnv = {
      ...passEnv(this.ctx.config.agent.pass_env, this.ctx.env),
      ...s.config.env,
      [this.ctx.config.agent.history_env]: historyPath(this.ctx.paths, s.name),
      CLAUDERON_SESSION: s.name,
    };
    const bin = await this.bin();
    const r = await runZellij(bin, ["--layout", layout, "attach", "--create-background", name], {
      env: this.env(agentEnv),
      timeoutMs: this.timeoutMs,
      socketDir: this.socketDir,
      quiet: true,
    });
    if (r.code !== 0) throw new ClauderonError("backend", `zellij attach --create-background ${name} exited with ${r.code}`);
    if (!(await this.waitListed(name, true))) {
      await this.deleteSession(name).catch(() => undefined);
      throw new ClauderonError("backend", `zellij session ${name} did not come up within ${this.timeoutMs / 1000} s`);
    }
    return name;
  }

  async remove(s: Session): Promise<boolean> {
    const problem = this.mismatch(s);
    if (problem) throw new ClauderonError("unreachable", problem);
    return this.deleteSession(resourceName(s.name));
  }

  async start(): Promise<void> {
    throw new ClauderonError("not-available", "zellij sessions cannot be stopped and started; use recreate");
  }

  async stop(): Promise<void> {
    throw new ClauderonError("not-available", "zellij sessions cannot be stopped and started; use recreate or cleanup");
  }

  private async dump(s: Session): Promise<string | undefined> {
    const name = resourceName(s.name);
    const l = await this.listed(name);
    if (!l || l.exited) return undefined;
    const panes = await this.panes(name);
    const pane = panes ? agentPane(panes) : undefined;
    const r = await this.zj(["--session", name, "action", "dump-screen", "--full", ...(pane ? ["--pane-id", `terminal_${pane.id}`] : [])]);
    if (r.code !== 0) throw new ClauderonError("backend", `zellij dump-screen failed (exit ${r.code}): ${(r.stderr || r.stdout).trim()}`);
    return r.stdout;
  }

  async lastOutput(s: Session, lines: number): Promise<string | undefined> {
    const text = await this.dump(s);
    return text === undefined ? undefined : text.split("\n").slice(-lines).join("\n");
  }

  async logs(s: Session, o: LogOptions): Promise<void> {
    if (o.follow) throw new ClauderonError("usage", "logs --follow is not available for zellij sessions (use 'clauderon attach')");
    const text = await this.dump(s);
    if (text === undefined) throw new ClauderonError("backend", `zellij session ${resourceName(s.name)} is not running; 'logs --previous' shows what was kept from the last recreate`);
    process.stdout.write(o.tail === undefined ? text : `${text.trimEnd().split("\n").slice(-o.tail).join("\n")}\n`);
  }

  async details(s: Session): Promise<Record<string, unknown>> {
    const name = resourceName(s.name);
    const l = await this.listed(name);
    const panes = l && !l.exited ? await this.panes(name) : undefined;
    const pane = panes ? agentPane(panes) : undefined;
    return {
      session: name,
      socketDir: this.socketDir,
      zellijVersion: this.checked?.version,
      listed: !!l,
      exited: l?.exited ?? null,
      ageSeconds: l?.ageSeconds ?? null,
      agentPane: pane ? { id: pane.id, title: pane.title, exited: pane.exited, exitStatus: pane.exit_status, held: pane.is_held, command: pane.terminal_command ?? pane.pane_command ?? null, cwd: pane.pane_cwd ?? null } : null,
    };
  }

  attachCommand(s: Session) {
    return { argv: [zellijBinary(this.ctx.env) ?? "zellij", "attach", resourceName(s.name)], env: { ZELLIJ_SOCKET_DIR: this.socketDir } };
  }

  async removeOrphan(o: Orphan): Promise<void> {
    if (!o.name.startsWith(PREFIX)) throw new ClauderonError("backend", `${o.name} is not a clauderon zellij session; not removing it`);
    await this.deleteSession(o.name);
  }
}
