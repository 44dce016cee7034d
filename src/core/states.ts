/** The health states of the product page, exactly as the contract spells them. */
export const STATES = ["Healthy", "Stopped", "Pending", "Error", "CrashLoop", "Missing", "DeletedExternally"] as const;
export type State = (typeof STATES)[number];

export type Recovery = "n/a" | "yes" | "wait" | "maybe";

export interface StateInfo {
  /** The product page's one-line description. */
  summary: string;
  recoverable: boolean;
  recovery: Recovery;
  /** What a person can do, in words. */
  advice: string;
}

export const STATE_INFO: Record<State, StateInfo> = {
  Healthy: { summary: "Running normally", recoverable: false, recovery: "n/a", advice: "Nothing to do." },
  Stopped: {
    summary: "Stopped but intact",
    recoverable: true,
    recovery: "yes",
    advice: "Start it again; nothing is lost.",
  },
  Pending: { summary: "Creation in progress", recoverable: false, recovery: "wait", advice: "Wait, or cancel with cleanup." },
  Error: { summary: "Failed to start or run", recoverable: true, recovery: "yes", advice: "Recreate it; the workspace and chat history are kept." },
  CrashLoop: {
    summary: "Repeatedly crashing",
    recoverable: true,
    recovery: "maybe",
    advice: "Look at the logs; recreate fresh starts from the committed state after backing up uncommitted work.",
  },
  Missing: { summary: "Resource not found", recoverable: true, recovery: "yes", advice: "Recreate it (if the clone exists)." },
  DeletedExternally: {
    summary: "Removed outside clauderon",
    recoverable: true,
    recovery: "yes",
    advice: "Recreate it, or clean it up.",
  },
};

/** Health as reported to users, scripts and the API. */
export interface Health {
  state: State;
  description: string;
  recoverable: boolean;
  recovery: Recovery;
  stale: boolean;
  error?: string;
  actions: string[];
  blocked?: { action: string; reason: string }[];
  details: Record<string, unknown>;
}

/** What deriving health from an observation yields, before actions are attached. */
export interface Derived {
  state: State;
  description: string;
  details: Record<string, unknown>;
}

export const isSettled = (s: State) => s === "Healthy" || s === "Stopped";
