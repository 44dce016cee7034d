/**
 * Every configuration key, with its type, default and meaning. This one table drives the valibot
 * schema (schema.ts), the error messages, `config show` and the README.
 */
export type KeyType =
  | { kind: "bool" }
  | { kind: "number"; min: number; minExclusive?: boolean; integer?: boolean }
  | { kind: "string"; oneOf?: readonly string[]; nonEmpty?: boolean }
  | { kind: "string[]"; nonEmpty?: boolean };

export interface KeySpec {
  type: KeyType;
  default: unknown;
  doc: string;
}

export const KEYS = {
  feature_flags: {
    reconcile_on_startup: { type: { kind: "bool" }, default: true, doc: "daemon: run a reconcile pass at startup" },
  },
  reconciliation: {
    initial_delay: { type: { kind: "number", min: 0 }, default: 30, doc: "seconds before the first attempt" },
    backoff_multiplier: { type: { kind: "number", min: 1 }, default: 4.0, doc: "each wait is the previous one times this" },
    max_attempts: { type: { kind: "number", min: 1, integer: true }, default: 3, doc: "attempts before giving up" },
    max_delay: { type: { kind: "number", min: 0 }, default: 300, doc: "cap on one wait, seconds" },
    verify_after: {
      type: { kind: "number", min: 0 },
      default: 10,
      doc: "seconds a recreated session must stay Healthy to count as recovered",
    },
  },
  health: {
    check_interval: { type: { kind: "number", min: 0, minExclusive: true }, default: 60, doc: "seconds between background checks (reconcile --watch, daemon, tui)" },
    check_timeout: { type: { kind: "number", min: 0, minExclusive: true }, default: 10, doc: "seconds one backend probe may take" },
    background_checks: { type: { kind: "bool" }, default: false, doc: "daemon/tui: periodic checks" },
  },
  agent: {
    image: { type: { kind: "string", nonEmpty: true }, default: "ghcr.io/anthropics/claude-code:latest", doc: "default Docker image for new sessions" },
    command: { type: { kind: "string[]", nonEmpty: true }, default: ["claude"], doc: "default agent argv (Claude Code)" },
    resume_args: {
      type: { kind: "string[]" },
      default: ["--continue"],
      doc: "appended to the default agent command on recreate when chat history exists",
    },
    history_env: { type: { kind: "string", nonEmpty: true }, default: "CLAUDE_CONFIG_DIR", doc: "environment variable that tells the agent where its history lives" },
    pass_env: {
      type: { kind: "string[]" },
      default: ["ANTHROPIC_API_KEY", "CLAUDE_CODE_OAUTH_TOKEN"],
      doc: "variables copied from clauderon's environment into the agent at each create/recreate (credentials; never written to session files)",
    },
  },
  docker: {
    restart_retries: { type: { kind: "number", min: 0, integer: true }, default: 3, doc: "on-failure restart budget of each container" },
    tty: { type: { kind: "bool" }, default: true, doc: "give the agent a TTY (Claude Code is interactive); logs are demultiplexed when false" },
    network: { type: { kind: "string" }, default: "", doc: "container NetworkMode; empty = the engine's default" },
    stop_timeout: { type: { kind: "number", min: 0, integer: true }, default: 10, doc: "seconds `stop` waits before SIGKILL" },
    pull: { type: { kind: "string", oneOf: ["if-not-present", "never", "always"] }, default: "if-not-present", doc: "when to pull the image" },
  },
  zellij: {
    socket_dir: { type: { kind: "string" }, default: "", doc: "zellij socket dir; empty = ZELLIJ_SOCKET_DIR, else XDG_RUNTIME_DIR/zellij, else /tmp/zellij-<uid>" },
  },
} as const satisfies Record<string, Record<string, KeySpec>>;

export type Sections = typeof KEYS;

export function describeType(t: KeyType): string {
  switch (t.kind) {
    case "bool":
      return "true or false";
    case "number": {
      const what = t.integer ? "a whole number" : "a number";
      return `${what} ${t.minExclusive ? ">" : ">="} ${t.min}`;
    }
    case "string":
      return t.oneOf ? `one of ${t.oneOf.map((o) => JSON.stringify(o)).join(", ")}` : t.nonEmpty ? "a non-empty string" : "a string";
    case "string[]":
      return t.nonEmpty ? "a non-empty list of strings" : "a list of strings";
  }
}
