import { availableActions, type BackendKind } from "./actions";
import { STATE_INFO, type Derived, type Health, type State } from "./states";

/** A container is "young" when it started less than this long ago. */
export const YOUNG_MS = 10_000;

/** What clauderon itself knows about a session, independent of the backend. */
export interface SessionFacts {
  /** A create/recreate recorded in the session file; `live` when its process still holds the lock. */
  operation?: { kind: string; live: boolean; startedAt: string };
  /** clauderon had seen the resource exist. */
  seen: boolean;
  /** clauderon removed the resource itself (and has not created a new one since). */
  removedByUs: boolean;
  /** A reconcile pass recorded the external deletion (an event): show Missing from then on. */
  deletionAcknowledged: boolean;
  /** The resource was stopped by `clauderon stop`. */
  stoppedByUs: boolean;
}

export type ContainerStatus = "created" | "running" | "paused" | "restarting" | "removing" | "exited" | "dead";

/** One container as the Docker Engine reports it (list + inspect), reduced to what health needs. */
export interface ContainerObservation {
  id: string;
  status: ContainerStatus;
  exitCode: number;
  oomKilled: boolean;
  error: string;
  /** epoch ms; undefined when Docker reports the Go zero time */
  startedAt?: number;
  finishedAt?: number;
  /** undefined when only the container list was read (running, not young) */
  restartCount: number | undefined;
  restartPolicy: { name: string; maximumRetryCount: number };
}

/** One zellij session: absent, EXITED (resurrectable), or live with the agent pane's state. */
export type ZellijObservation =
  | { listed: false }
  | { listed: true; exited: true }
  | { listed: true; exited: false; pane: { running: true } | { running: false; exitStatus: number | null } | { missing: true } };

/** Rules 1 and 2, common to both backends. Returns undefined when the backend rules decide. */
function commonRules(facts: SessionFacts, found: boolean, label: string): Derived | undefined {
  if (facts.operation) {
    if (facts.operation.live) {
      return { state: "Pending", description: `clauderon is ${facts.operation.kind === "create" ? "creating" : "rebuilding"} the ${label}`, details: { operation: facts.operation.kind } };
    }
    return {
      state: "Error",
      description: `The ${facts.operation.kind} started at ${facts.operation.startedAt} was interrupted (its process is gone)`,
      details: { interrupted: true, operation: facts.operation.kind },
    };
  }
  if (!found) {
    if (facts.seen && !facts.removedByUs && !facts.deletionAcknowledged) {
      return { state: "DeletedExternally", description: `The ${label} was removed outside clauderon`, details: {} };
    }
    return { state: "Missing", description: `The ${label} does not exist`, details: {} };
  }
  return undefined;
}

const signalName: Record<number, string> = { 137: "SIGKILL", 143: "SIGTERM", 139: "SIGSEGV", 134: "SIGABRT" };

/** Docker observation → state: the ordered rules of the contract, first match wins. */
export function deriveDocker(c: ContainerObservation | undefined, facts: SessionFacts, now: number): Derived {
  const common = commonRules(facts, c !== undefined, "container");
  if (common) return common;
  const ctr = c as ContainerObservation;
  const details: Record<string, unknown> = {
    containerId: ctr.id,
    containerStatus: ctr.status,
    exitCode: ctr.exitCode,
    oomKilled: ctr.oomKilled,
  };
  if (ctr.restartCount !== undefined) details.restartCount = ctr.restartCount;
  const restarts = ctr.restartCount ?? 0;
  if (ctr.error) details.error = ctr.error;
  if (ctr.startedAt !== undefined) details.startedAt = new Date(ctr.startedAt).toISOString();
  if (ctr.finishedAt !== undefined) details.finishedAt = new Date(ctr.finishedAt).toISOString();
  const young = ctr.startedAt !== undefined && now - ctr.startedAt < YOUNG_MS;
  const notRunning = ctr.status === "exited" || ctr.status === "dead";
  const d = (state: State, description: string): Derived => ({ state, description, details });

  // 3. OOM (of a container that is no longer running)
  if (notRunning && ctr.oomKilled) return d("Error", `Container was killed for running out of memory (exit code ${ctr.exitCode})`);
  // 4. restart loops
  if (ctr.status === "restarting") return d("CrashLoop", `Container keeps crashing: restarting (restart ${restarts})`);
  if (ctr.status === "running" && young && restarts >= 2) {
    return d("CrashLoop", `Container keeps crashing: restarted ${restarts} times and running for less than ${YOUNG_MS / 1000} s`);
  }
  const budget = ctr.restartPolicy.name === "on-failure" ? ctr.restartPolicy.maximumRetryCount : 0;
  const lastRunYoung =
    ctr.startedAt !== undefined && ctr.finishedAt !== undefined && ctr.finishedAt - ctr.startedAt < YOUNG_MS;
  if (ctr.status === "exited" && ctr.exitCode !== 0 && budget > 0 && restarts >= budget && lastRunYoung) {
    return d("CrashLoop", `Container crashed ${restarts + 1} times in a row (restart budget of ${budget} used up); last exit code ${ctr.exitCode}`);
  }
  // 5. running
  if (ctr.status === "running") return d("Healthy", "Container running");
  // 6. intentional stops
  if (ctr.status === "paused") return d("Stopped", "Container paused (start unpauses it)");
  if (ctr.status === "exited" && facts.stoppedByUs) return d("Stopped", "Container stopped by clauderon stop");
  if (ctr.status === "exited" && (ctr.exitCode === 0 || ctr.exitCode === 143)) {
    return d("Stopped", ctr.exitCode === 0 ? "Container exited normally (code 0)" : "Container was stopped (SIGTERM, code 143)");
  }
  // 7. everything else is an error
  if (ctr.status === "exited") {
    const sig = signalName[ctr.exitCode];
    return d("Error", `Container exited with code ${ctr.exitCode}${sig ? ` (${sig})` : ""}`);
  }
  if (ctr.status === "dead") return d("Error", `Container is dead${ctr.error ? `: ${ctr.error}` : ""}`);
  if (ctr.status === "created") {
    return d("Error", ctr.error ? `Container failed to start: ${ctr.error}` : "Container was created but never started");
  }
  return d("Error", `Container is being removed`);
}

/** zellij observation → state (contract "zellij" rules). */
export function deriveZellij(z: ZellijObservation, facts: SessionFacts): Derived {
  const common = commonRules(facts, z.listed, "zellij session");
  if (common) return common;
  const s = z as Extract<ZellijObservation, { listed: true }>;
  if (s.exited) {
    return { state: "Error", description: "zellij session exited (it is only resurrectable)", details: { sessionStatus: "EXITED", exitStatus: null } };
  }
  const pane = s.pane;
  if ("missing" in pane) {
    return { state: "Error", description: "zellij session is live but the agent pane is gone", details: { sessionStatus: "live", exitStatus: null } };
  }
  if (pane.running) return { state: "Healthy", description: "zellij session active, agent running", details: { sessionStatus: "live" } };
  if (pane.exitStatus === 0) {
    return { state: "Stopped", description: "The agent finished (exit status 0)", details: { sessionStatus: "live", exitStatus: 0 } };
  }
  return {
    state: "Error",
    description: `The agent process exited${pane.exitStatus === null ? "" : ` with status ${pane.exitStatus}`}`,
    details: { sessionStatus: "live", exitStatus: pane.exitStatus },
  };
}

/** Attach the state's facts and the available actions to a derived state. */
export function toHealth(d: Derived, backend: BackendKind, cloneExists: boolean, stale?: { error: string }): Health {
  const info = STATE_INFO[d.state];
  const avail = availableActions(d.state, { backend, cloneExists });
  const h: Health = {
    state: d.state,
    description: d.description,
    recoverable: info.recoverable,
    recovery: info.recovery,
    stale: stale !== undefined,
    actions: stale ? [] : avail.actions,
    details: d.details,
  };
  if (avail.blocked.length) h.blocked = avail.blocked;
  if (stale) h.error = stale.error;
  return h;
}
