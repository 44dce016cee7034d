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

export type Kept = "kept" | "kept (if the clone exists)" | "kept (committed state only)" | "kept, conversation resumed" | "kept on disk; a new conversation starts" | "removed" | "removed from the workspace, saved to a backup first";

export interface Preservation {
  git: Kept;
  uncommitted: Kept;
  chatHistory: Kept;
  config: Kept;
}

/** Data preservation by action (contract "Data preservation"). */
export const PRESERVATION: Record<Action, Preservation> = {
  start: { git: "kept", uncommitted: "kept", chatHistory: "kept", config: "kept" },
  stop: { git: "kept", uncommitted: "kept", chatHistory: "kept", config: "kept" },
  recreate: {
    git: "kept (if the clone exists)",
    uncommitted: "kept (if the clone exists)",
    chatHistory: "kept, conversation resumed",
    config: "kept",
  },
  "recreate-fresh": {
    git: "kept (committed state only)",
    uncommitted: "removed from the workspace, saved to a backup first",
    chatHistory: "kept on disk; a new conversation starts",
    config: "kept",
  },
  cleanup: { git: "removed", uncommitted: "removed", chatHistory: "removed", config: "removed" },
};

/** Files written inside the container outside the workspace are lost on every recreate. */
export const CONTAINER_LOCAL_NOTE =
  "files written inside the container outside the workspace (/workspace) are lost on every recreate";
