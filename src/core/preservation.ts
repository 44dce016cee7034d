import type { Action } from "./actions";

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
