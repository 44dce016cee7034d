import type { State } from "./states";

/** Actions of the contract (JSON spelling). */
export const ACTIONS = ["start", "stop", "recreate", "recreate-fresh", "cleanup"] as const;
export type Action = (typeof ACTIONS)[number];

export type BackendKind = "docker" | "zellij";

/** What a backend can do. start/stop only exist where a backend can stop a resource and keep it. */
export interface BackendCapabilities {
  canStop: boolean;
}
export const CAPABILITIES: Record<BackendKind, BackendCapabilities> = {
  docker: { canStop: true },
  zellij: { canStop: false },
};

/**
 * Available actions by state: the single table read by the CLI (and any API/TUI).
 * Order is the order a person would try them in.
 */
const TABLE: Record<State, readonly Action[]> = {
  Healthy: ["stop", "recreate", "cleanup"],
  Stopped: ["start", "recreate", "cleanup"],
  Pending: ["cleanup"],
  Error: ["recreate", "recreate-fresh", "cleanup"],
  CrashLoop: ["recreate", "recreate-fresh", "cleanup"],
  Missing: ["recreate", "recreate-fresh", "cleanup"],
  DeletedExternally: ["recreate", "recreate-fresh", "cleanup"],
};

export interface ActionContext {
  backend: BackendKind;
  /** Whether the session's workspace clone exists (recreate needs it). */
  cloneExists: boolean;
}

export interface Availability {
  actions: Action[];
  blocked: { action: Action; reason: string }[];
}

export const RECREATE_BLOCKED_REASON =
  "the workspace clone is gone, so there is nothing to recreate from; use 'recreate --fresh' to clone again from the original repository, or 'cleanup'";

/** The actions a session offers in a state, and the ones blocked with their reason. */
export function availableActions(state: State, ctx: ActionContext): Availability {
  const caps = CAPABILITIES[ctx.backend];
  const blocked: Availability["blocked"] = [];
  const actions = TABLE[state].filter((a) => {
    if ((a === "start" || a === "stop") && !caps.canStop) return false;
    if (a === "recreate" && !ctx.cloneExists) {
      blocked.push({ action: a, reason: RECREATE_BLOCKED_REASON });
      return false;
    }
    return true;
  });
  // zellij cannot keep a stopped resource: Healthy and Stopped offer recreate and cleanup only (already so).
  return { actions, blocked };
}
