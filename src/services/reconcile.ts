import { createHash } from "node:crypto";
import { ClauderonError } from "../core/errors";
import { isEmptyTracking, passExitCode, planSession, type Outcome, type Plan, type PlanAction } from "../core/reconcile-plan";
import type { State } from "../core/states";
import { lockFile } from "../store/paths";
import { tryLock } from "../store/lock";
import type { Session } from "../store/schema";
import { addEvent } from "../store/store";
import type { Orphan } from "../backends/types";
import type { App } from "./app";
import { current, recreateLocked } from "./lifecycle";
import { cloneExists, factsOf, survey, type SessionView } from "./observe";

export interface ReportEntry {
  name: string;
  stateBefore: State;
  action: PlanAction;
  result: "ok" | "failed" | "skipped";
  stateAfter: State;
  attempts: number;
  nextAttemptAt: string | null;
  error: string | null;
  backup: string | null;
  reason: string;
}

export interface PassReport {
  sessions: ReportEntry[];
  orphans: Orphan[];
  foreign: number;
  errors: string[];
  exitCode: number;
}

export interface PassOptions {
  only?: string;
  dryRun: boolean;
  skipWait: boolean;
  /** sleeps between an attempt and its verification (injectable for tests) */
  sleep?: (ms: number) => Promise<void>;
}

export const specHash = (s: Session) => createHash("sha256").update(JSON.stringify({ backend: s.backend, config: s.config })).digest("hex").slice(0, 16);

const settled = (st: State) => st === "Healthy" || st === "Stopped";

function outcomeOf(e: ReportEntry, stale: boolean): Outcome {
  if (stale) return "unreachable";
  if (e.action === "give-up" || e.action === "needs-person") return "gave-up";
  if (e.result === "ok" && settled(e.stateAfter)) return "settled";
  if (e.action === "busy") return "waiting";
  return settled(e.stateAfter) ? "settled" : "waiting";
}

function planFor(app: App, v: SessionView, busy: boolean, skipWait: boolean, startedAt?: number): Plan {
  const s = v.session;
  return planSession({
    state: v.health.state,
    stale: v.health.stale,
    busy,
    interrupted: v.health.details.interrupted === true,
    cloneExists: v.cloneExists,
    deletionAcknowledged: s.resource.deletionAcknowledged,
    tracking: s.reconcile,
    specHash: specHash(s),
    startedAt,
    settings: app.config.reconciliation,
    now: app.clock.now(),
    skipWait,
  });
}

/** Only sessions that are unsettled or still carry tracking need the lock and a plan. */
const needsLook = (v: SessionView) => !settled(v.health.state) || !isEmptyTracking(v.session.reconcile);

/** One reconcile pass over all sessions (or one). */
export async function reconcilePass(app: App, o: PassOptions): Promise<PassReport> {
  const sleep = o.sleep ?? ((ms: number) => Bun.sleep(ms));
  if (o.only !== undefined) app.store.get(o.only);
  const sv = await survey(app, { only: o.only ? [o.only] : undefined, scanOrphans: true, persist: !o.dryRun });
  const entries: ReportEntry[] = [];
  const outcomes: Outcome[] = [];
  for (const c of sv.corrupt) sv.errors.push(`unreadable session file ${c.file}: ${c.error}`);

  for (const v of sv.views) {
    const s = v.session;
    const base = {
      name: s.name,
      stateBefore: v.health.state,
      stateAfter: v.health.state,
      attempts: s.reconcile.attempts,
      nextAttemptAt: s.reconcile.nextAttemptAt,
      error: null as string | null,
      backup: null as string | null,
    };
    if (v.health.stale) {
      entries.push({ ...base, action: "none", result: "skipped", error: v.health.error ?? "backend unreachable", reason: "the backend could not be asked" });
      outcomes.push("unreachable");
      continue;
    }
    if (!needsLook(v)) {
      const e: ReportEntry = { ...base, action: "none", result: "skipped", reason: v.health.state === "Stopped" ? "stopped on purpose" : "healthy" };
      entries.push(e);
      outcomes.push(outcomeOf(e, false));
      continue;
    }
    if (o.dryRun) {
      const busy = factsOf(app, s).operation?.live === true;
      const p = planFor(app, v, busy, o.skipWait);
      const e: ReportEntry = { ...base, action: p.action, result: "skipped", attempts: p.tracking.attempts, nextAttemptAt: p.tracking.nextAttemptAt, reason: `dry run: ${p.reason}` };
      entries.push(e);
      outcomes.push(p.action === "recreate" || p.action === "recreate-fresh" ? "waiting" : outcomeOf(e, false));
      continue;
    }
    const lock = tryLock(lockFile(app.paths, s.name));
    if (!lock) {
      const e: ReportEntry = { ...base, action: "busy", result: "skipped", reason: "another clauderon process holds this session's lock" };
      entries.push(e);
      outcomes.push("waiting");
      continue;
    }
    try {
      const e = await actOnSession(app, s.name, base, o, sleep);
      entries.push(e.entry);
      outcomes.push(e.outcome);
    } finally {
      lock.release();
    }
  }
  // a backend that could not be asked (orphan scan of the current endpoint included) is a failed pass
  if (sv.errors.length) outcomes.push("unreachable");
  return { sessions: entries, orphans: sv.orphans, foreign: sv.foreign, errors: sv.errors, exitCode: passExitCode(outcomes) };
}

/** Under the lock: re-read, re-observe, plan, act, verify, persist. */
async function actOnSession(
  app: App,
  name: string,
  base: Omit<ReportEntry, "action" | "result" | "reason">,
  o: PassOptions,
  sleep: (ms: number) => Promise<void>,
): Promise<{ entry: ReportEntry; outcome: Outcome }> {
  let c;
  try {
    c = await current(app, name);
  } catch (e) {
    const entry: ReportEntry = { ...base, action: "none", result: "skipped", error: (e as Error).message, reason: "could not re-observe under the lock" };
    return { entry, outcome: (e as ClauderonError).code === "no-such-session" ? "settled" : "unreachable" };
  }
  const s = c.session;
  const view: SessionView = { session: s, health: c.health, cloneExists: cloneExists(app, name), outcome: c.outcome };
  const startedAt = c.outcome.ok ? c.outcome.obs.startedAt : undefined;
  const p = planFor(app, view, false, o.skipWait, startedAt);
  const now = app.clock.now();
  const entry: ReportEntry = { ...base, stateBefore: c.health.state, stateAfter: c.health.state, action: p.action, result: "skipped", reason: p.reason, attempts: p.tracking.attempts, nextAttemptAt: p.tracking.nextAttemptAt };
  if (p.acknowledgeDeletion) {
    s.resource.deletionAcknowledged = true;
    addEvent(s, now, "deleted-externally", `${s.resource.name} was removed outside clauderon; marked Missing`);
    entry.stateAfter = "Missing";
  }
  const wasGaveUp = s.reconcile.gaveUp;
  s.reconcile = p.tracking;
  if (p.action === "give-up" && !wasGaveUp) addEvent(s, now, "give-up", `reconcile gave up: ${p.reason}`);
  if (p.action === "needs-person" && s.events.at(-1)?.type !== "needs-person") addEvent(s, now, "needs-person", p.reason);
  if (p.action !== "recreate" && p.action !== "recreate-fresh") {
    if (JSON.stringify(app.store.read(name)) !== JSON.stringify(s)) app.store.write(s);
    return { entry, outcome: outcomeOf(entry, false) };
  }

  // an attempt: counted and persisted before acting, so a killed pass still counts it
  const fresh = p.action === "recreate-fresh";
  addEvent(s, now, "reconcile-attempt", `attempt ${p.tracking.attempts}/${app.config.reconciliation.max_attempts}: ${p.action} (${c.health.state}: ${c.health.description})`);
  app.store.write(s);
  let error: string | undefined;
  let unreachable = false;
  try {
    const r = await recreateLocked(app, c, { fresh, unattended: true });
    if (r.backup) entry.backup = r.backup;
    await sleep(app.config.reconciliation.verify_after * 1000);
    const after = await (await app.backend(s.backend)).observeOne(s);
    if (!after.ok) {
      error = after.error;
      unreachable = true;
    } else {
      const d = after.obs.derive(factsOf(app, s), app.clock.now());
      entry.stateAfter = d.state;
      if (d.state !== "Healthy") error = `not Healthy ${app.config.reconciliation.verify_after} s after ${p.action}: ${d.state} (${d.description})`;
      else if ((after.obs.restartCount ?? 0) !== 0) error = `restarted ${after.obs.restartCount} time(s) within ${app.config.reconciliation.verify_after} s of ${p.action}`;
    }
  } catch (e) {
    error = (e as Error).message;
    unreachable = (e as ClauderonError).code === "unreachable";
    const again = app.store.read(name);
    if (again) Object.assign(s, again);
    try {
      const after = await current(app, name);
      entry.stateAfter = after.health.state;
    } catch {
      /* keep the state before */
    }
  }
  const at = app.clock.now();
  if (error) {
    entry.result = "failed";
    entry.error = error;
    s.reconcile.lastError = error;
    addEvent(s, at, "reconcile-failed", `attempt ${s.reconcile.attempts} failed: ${error}`);
    if (s.reconcile.attempts >= app.config.reconciliation.max_attempts) {
      s.reconcile.gaveUp = true;
      s.reconcile.nextAttemptAt = null;
      entry.action = "give-up";
      addEvent(s, at, "give-up", `reconcile gave up after ${s.reconcile.attempts} attempt(s); a manual start, recreate or cleanup resets this`);
    }
  } else {
    entry.result = "ok";
    s.reconcile.lastError = null;
    s.reconcile.problemSince = null;
    s.reconcile.nextAttemptAt = null;
    s.reconcile.healthySince = new Date(at).toISOString();
    addEvent(s, at, "reconcile-ok", `attempt ${s.reconcile.attempts} recovered the session${entry.backup ? `; backup at ${entry.backup}` : ""}`);
  }
  entry.attempts = s.reconcile.attempts;
  entry.nextAttemptAt = s.reconcile.nextAttemptAt;
  app.store.write(s);
  return { entry, outcome: outcomeOf(entry, unreachable) };
}
