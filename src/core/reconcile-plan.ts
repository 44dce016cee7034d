import { delayBefore, type BackoffSettings } from "./backoff";
import type { State } from "./states";

/** What reconcile remembers per session (persisted in the session file). */
export interface Tracking {
  attempts: number;
  problemSince: string | null;
  lastAttemptAt: string | null;
  nextAttemptAt: string | null;
  lastError: string | null;
  gaveUp: boolean;
  specHash: string | null;
  lastFreshAt: string | null;
  healthySince: string | null;
}

export type PlanAction = "none" | "wait" | "recreate" | "recreate-fresh" | "mark-missing" | "give-up" | "needs-person" | "busy";

export interface PlanInput {
  state: State;
  /** the backend could not be asked: nothing acts on the session */
  stale: boolean;
  /** another process holds the session's lock (Pending included) */
  busy: boolean;
  /** the state comes from an interrupted clauderon operation (its process is gone) */
  interrupted: boolean;
  cloneExists: boolean;
  deletionAcknowledged: boolean;
  tracking: Tracking;
  /** hash of the session config now; a change starts the tracking fresh */
  specHash: string;
  /** epoch ms the container/pane started (Healthy sessions), if known */
  startedAt?: number;
  settings: BackoffSettings;
  now: number;
  /** --now: skip the backoff wait for this pass */
  skipWait: boolean;
}

export interface Plan {
  action: PlanAction;
  /** DeletedExternally is acknowledged (event recorded, shown as Missing from now on) before the action */
  acknowledgeDeletion: boolean;
  /** the tracking to persist (before acting, for recreate actions: the attempt is already counted) */
  tracking: Tracking;
  reason: string;
}

const iso = (t: number) => new Date(t).toISOString();
const ms = (t: string | null) => (t === null ? undefined : Date.parse(t));

export const freshTracking = (specHash: string | null): Tracking => ({
  attempts: 0,
  problemSince: null,
  lastAttemptAt: null,
  nextAttemptAt: null,
  lastError: null,
  gaveUp: false,
  specHash,
  lastFreshAt: null,
  healthySince: null,
});

export const isEmptyTracking = (t: Tracking) => t.attempts === 0 && !t.gaveUp && t.problemSince === null && t.lastFreshAt === null && t.nextAttemptAt === null;

/** The stable period after which a Healthy session's tracking resets: 2 × max_delay (kubelet-style). */
export const stablePeriodMs = (s: BackoffSettings) => 2 * s.max_delay * 1000;

/** Decide what one reconcile pass does with one session. Pure. */
export function planSession(i: PlanInput): Plan {
  const keep = (action: PlanAction, reason: string, tracking = i.tracking, acknowledgeDeletion = false): Plan => ({ action, reason, tracking, acknowledgeDeletion });
  if (i.stale) return keep("none", "the backend could not be asked; nothing acts on this session");
  if (i.busy) return keep("busy", "another clauderon process is acting on this session");

  let t: Tracking = { ...i.tracking };
  if (t.specHash !== null && t.specHash !== i.specHash) t = freshTracking(i.specHash);
  if (t.specHash === null) t.specHash = i.specHash;

  switch (i.state) {
    case "Healthy": {
      if (isEmptyTracking(t)) return keep("none", "healthy", t);
      const since = i.startedAt ?? ms(t.healthySince) ?? i.now;
      if (i.now - since >= stablePeriodMs(i.settings)) {
        return keep("none", "healthy for a stable period: reconcile tracking reset", freshTracking(i.specHash));
      }
      return keep("none", "healthy (tracking kept until it has been stable for 2 × max_delay)", {
        ...t,
        problemSince: null,
        nextAttemptAt: null,
        healthySince: t.healthySince ?? iso(since),
      });
    }
    case "Stopped":
      return keep("none", "stopped on purpose: left alone", t);
    case "Pending":
      return keep("busy", "being created", t);
    default:
      break;
  }

  // unhealthy: Error, CrashLoop, Missing, DeletedExternally
  if (t.gaveUp) return keep("give-up", `gave up after ${t.attempts} attempt(s); a manual start, recreate or cleanup resets this`, t);
  const acknowledge = i.state === "DeletedExternally" && !i.deletionAcknowledged;
  t.healthySince = null;
  const fresh = i.state === "CrashLoop" && !t.lastFreshAt;
  if (i.state === "CrashLoop" && !fresh) {
    // never two unattended fresh recreates without a stable period; plain recreate of a crash loop is manual only
    return keep("needs-person", "a fresh recreate did not stop the crash loop; look at 'clauderon logs' (a manual recreate or recreate --fresh resets this)", t, acknowledge);
  }
  if (!i.cloneExists && !fresh) {
    return keep("needs-person", "the workspace clone is gone: recreate --fresh (re-clone) or cleanup is a person's decision", t, acknowledge);
  }
  if (t.problemSince === null) t.problemSince = iso(i.now);

  if (i.interrupted) {
    // finish the interrupted job now: it is the same attempt, not a new failure
    const attempts = Math.max(t.attempts, 1);
    return keep("recreate", "an interrupted operation is completed", { ...t, attempts, lastAttemptAt: iso(i.now), nextAttemptAt: null }, acknowledge);
  }
  if (t.attempts >= i.settings.max_attempts) {
    return keep("give-up", `${t.attempts} attempt(s) without recovery`, { ...t, gaveUp: true, nextAttemptAt: null }, acknowledge);
  }
  const n = t.attempts + 1;
  const from = n === 1 ? ms(t.problemSince)! : (ms(t.lastAttemptAt) ?? ms(t.problemSince)!);
  const due = from + delayBefore(n, i.settings) * 1000;
  if (i.now < due && !i.skipWait) {
    return keep(acknowledge ? "mark-missing" : "wait", `attempt ${n} of ${i.settings.max_attempts} due at ${iso(due)}`, { ...t, nextAttemptAt: iso(due) }, acknowledge);
  }
  const action: PlanAction = fresh ? "recreate-fresh" : "recreate";
  const next = n < i.settings.max_attempts ? iso(i.now + delayBefore(n + 1, i.settings) * 1000) : null;
  return keep(
    action,
    `attempt ${n} of ${i.settings.max_attempts}`,
    { ...t, attempts: n, lastAttemptAt: iso(i.now), nextAttemptAt: next, ...(fresh ? { lastFreshAt: iso(i.now) } : {}) },
    acknowledge,
  );
}

/** Exit code of a pass: 1 > 6 > 5 > 0. */
export type Outcome = "settled" | "waiting" | "gave-up" | "unreachable";
export function passExitCode(outcomes: Outcome[]): number {
  if (outcomes.includes("unreachable")) return 1;
  if (outcomes.includes("gave-up")) return 6;
  if (outcomes.includes("waiting")) return 5;
  return 0;
}
