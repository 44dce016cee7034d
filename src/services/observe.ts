import { existsSync } from "node:fs";
import { join } from "node:path";
import type { ObserveAll, Orphan, Outcome } from "../backends/types";
import type { BackendKind } from "../core/actions";
import { toHealth, type SessionFacts } from "../core/health";
import type { Health } from "../core/states";
import { lockFile, workspacePath } from "../store/paths";
import { isLocked, tryLock } from "../store/lock";
import type { Session } from "../store/schema";
import { addEvent, type CorruptSession } from "../store/store";
import type { App } from "./app";

export interface SessionView {
  session: Session;
  health: Health;
  cloneExists: boolean;
  outcome: Outcome;
}

export interface Survey {
  views: SessionView[];
  corrupt: CorruptSession[];
  orphans: Orphan[];
  foreign: number;
  errors: string[];
}

export const cloneExists = (app: App, name: string) => existsSync(join(workspacePath(app.paths, name), ".git"));

export function factsOf(app: App, s: Session): SessionFacts {
  return {
    operation: s.operation
      ? { kind: s.operation.kind, startedAt: s.operation.startedAt, live: isLocked(lockFile(app.paths, s.name)) }
      : undefined,
    seen: s.resource.seen,
    removedByUs: s.resource.removedByUs,
    deletionAcknowledged: s.resource.deletionAcknowledged,
    stoppedByUs: s.resource.stoppedByUs,
  };
}

/** Health of one session from a backend outcome (pure apart from the lock probe). */
export function healthOf(app: App, s: Session, outcome: Outcome, facts = factsOf(app, s)): Health {
  const clone = cloneExists(app, s.name);
  if (outcome.ok) return toHealth(outcome.obs.derive(facts, app.clock.now()), s.backend, clone);
  const last = s.lastKnown ?? { state: "Error" as const, description: "state unknown: the backend could not be asked", details: {} };
  return toHealth({ state: last.state, description: last.description, details: last.details }, s.backend, clone, { error: outcome.error });
}

/** Record what was seen (last known state, state-change events) when it changed. Under the lock, best effort. */
export function remember(app: App, view: SessionView) {
  const { session: s, health: h, outcome } = view;
  if (!outcome.ok || h.stale) return;
  const changed = s.lastKnown?.state !== h.state || s.lastKnown?.description !== h.description;
  const seenNow = outcome.obs.found && !s.resource.seen;
  if (!changed && !seenNow) return;
  const lock = tryLock(lockFile(app.paths, s.name));
  if (!lock) return;
  try {
    const fresh = app.store.read(s.name);
    if (!fresh || fresh.operation) return;
    const now = app.clock.now();
    if (fresh.lastKnown?.state !== h.state) {
      addEvent(fresh, now, "state", `${fresh.lastKnown?.state ?? "(none)"} → ${h.state}: ${h.description}`, { from: fresh.lastKnown?.state ?? null, to: h.state });
    }
    fresh.lastKnown = { state: h.state, description: h.description, details: h.details, at: new Date(now).toISOString() };
    if (outcome.obs.found) fresh.resource.seen = true;
    app.store.write(fresh);
    view.session = fresh;
  } catch {
    /* best effort: a status never fails because it could not record */
  } finally {
    lock.release();
  }
}

/** Observe sessions with a constant number of backend calls per backend. */
export async function survey(app: App, opts: { only?: string[]; scanOrphans: boolean; persist: boolean }): Promise<Survey> {
  const { sessions: all, corrupt } = app.store.list();
  const known = new Set([...all.map((s) => s.name), ...corrupt.map((c) => c.name)]);
  const sessions = opts.only ? all.filter((s) => opts.only!.includes(s.name)) : all;
  const result: Survey = { views: [], corrupt, orphans: [], foreign: 0, errors: [] };
  const kinds: BackendKind[] = ["docker", "zellij"];
  const outcomes = new Map<string, Outcome>();
  for (const kind of kinds) {
    const group = sessions.filter((s) => s.backend === kind);
    if (!group.length && !opts.scanOrphans) continue;
    if (kind === "zellij" && !group.length && !(await zellijPresent(app))) continue;
    let obs: ObserveAll;
    try {
      obs = await (await app.backend(kind)).observe(group, known, opts.scanOrphans);
    } catch (e) {
      const msg = (e as Error).message;
      for (const s of group) outcomes.set(s.name, { ok: false, error: msg });
      if (group.length || kind === "docker") result.errors.push(msg);
      continue;
    }
    for (const [n, o] of obs.bySession) outcomes.set(n, o);
    result.orphans.push(...obs.orphans);
    result.foreign += obs.foreign;
    if (kind === "docker" || group.length) result.errors.push(...obs.errors);
  }
  for (const s of sessions) {
    const outcome = outcomes.get(s.name) ?? { ok: false as const, error: "not observed" };
    const view: SessionView = { session: s, health: healthOf(app, s, outcome), cloneExists: cloneExists(app, s.name), outcome };
    if (opts.persist) remember(app, view);
    result.views.push(view);
  }
  return result;
}

/** One session observed now (and remembered), for the output after an action or a lookup. */
export async function viewOf(app: App, name: string): Promise<SessionView> {
  const sv = await survey(app, { only: [name], scanOrphans: false, persist: true });
  const v = sv.views[0];
  if (!v) app.store.get(name); // throws "no such session" (exit 4)
  return v!;
}

/** A survey failed when a backend could not be asked, a file is unreadable, or a session is stale. */
export const surveyFailed = (sv: Survey) => sv.errors.length > 0 || sv.corrupt.length > 0 || sv.views.some((v) => v.health.stale);

/** Backend errors, and the stale sessions they did not already explain, to stderr. */
export function reportProblems(log: { error: (m: string) => void }, sv: Survey) {
  for (const e of sv.errors) log.error(e);
  for (const v of sv.views) if (v.health.stale && !sv.errors.includes(v.health.error!)) log.error(`${v.session.name}: ${v.health.error}`);
}

/** zellij not installed and no zellij sessions: simply skipped. */
async function zellijPresent(app: App): Promise<boolean> {
  const { zellijBinary } = await import("../backends/zellij/cli");
  return zellijBinary(app.env) !== undefined;
}
