/** Exit codes of the external contract (cli-contract.md "Exit codes"). */
export const EXIT = {
  ok: 0,
  failure: 1,
  usage: 2,
  blocked: 3,
  noSession: 4,
  reconcileWaiting: 5,
  reconcileGaveUp: 6,
} as const;

export type ErrorCode =
  | "usage"
  | "invalid-name"
  | "invalid-config"
  | "not-available"
  | "blocked"
  | "unsaved-work"
  | "no-such-session"
  | "exists"
  | "unreachable"
  | "backend"
  | "git"
  | "busy"
  | "corrupt"
  | "failure";

const EXIT_BY_CODE: Record<ErrorCode, number> = {
  usage: EXIT.usage,
  "invalid-name": EXIT.usage,
  "invalid-config": EXIT.usage,
  "not-available": EXIT.blocked,
  blocked: EXIT.blocked,
  "unsaved-work": EXIT.blocked,
  "no-such-session": EXIT.noSession,
  exists: EXIT.failure,
  unreachable: EXIT.failure,
  backend: EXIT.failure,
  git: EXIT.failure,
  busy: EXIT.failure,
  corrupt: EXIT.failure,
  failure: EXIT.failure,
};

/** An error meant for the user: a message, a stable code, and optional hints (ways out). */
export class ClauderonError extends Error {
  readonly code: ErrorCode;
  readonly hints: string[];
  readonly extra: Record<string, unknown>;
  constructor(code: ErrorCode, message: string, opts: { hints?: string[]; extra?: Record<string, unknown>; cause?: unknown } = {}) {
    super(message, { cause: opts.cause });
    this.name = "ClauderonError";
    this.code = code;
    this.hints = opts.hints ?? [];
    this.extra = opts.extra ?? {};
  }
  get exitCode(): number {
    return EXIT_BY_CODE[this.code];
  }
}

export const usageError = (message: string, hints: string[] = []) => new ClauderonError("usage", message, { hints });
