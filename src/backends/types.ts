import type { BackendKind } from "../core/actions";
import type { SessionFacts } from "../core/health";
import type { Derived } from "../core/states";
import type { Config } from "../config/config";
import type { Paths } from "../store/paths";
import type { Session } from "../store/schema";

/** What one backend saw of one session's resource. */
export interface Observation {
  found: boolean;
  /** derive the state with clauderon's own facts (pure, from core/health) */
  derive(facts: SessionFacts, now: number): Derived;
  /** restart count (Docker) for verification; undefined when unknown */
  restartCount?: number;
  /** epoch ms the resource (container / agent pane) last started */
  startedAt?: number;
}

/** Per session: an observation, or why the backend could not be asked (unreachable, wrong endpoint). */
export type Outcome = { ok: true; obs: Observation } | { ok: false; error: string };

export interface Orphan {
  backend: BackendKind;
  id: string;
  name: string;
}

export interface ObserveAll {
  bySession: Map<string, Outcome>;
  orphans: Orphan[];
  foreign: number;
  /** backend-level problems (e.g. the default engine unreachable while scanning for orphans) */
  errors: string[];
}

export interface BackendContext {
  paths: Paths;
  config: Config;
  env: NodeJS.ProcessEnv;
  /** progress lines for a person (stderr, TTY only); never stdout */
  progress: (line: string) => void;
}

export interface CreateOptions {
  /** resume the agent's conversation (recreate with history) */
  resume: boolean;
}

export interface LogOptions {
  tail?: number;
  follow?: boolean;
}

/** A backend: the imperative shell around one kind of resource. */
export interface Backend {
  readonly kind: BackendKind;
  /** Record the endpoint a new session is bound to (engine ID / socket dir). Fails if unreachable. */
  bind(): Promise<Session["endpoint"]>;
  /** Observe many sessions with a constant number of calls. `known` = every session file name. */
  observe(sessions: Session[], known: Set<string>, scanOrphans: boolean): Promise<ObserveAll>;
  /** Observe one session freshly (used under the lock, and for verification). */
  observeOne(session: Session): Promise<Outcome>;
  /** Create and start the resource; returns its id. Cleans up after itself on failure. */
  create(session: Session, opts: CreateOptions): Promise<string>;
  /** Remove the resource; false when it was already gone. */
  remove(session: Session): Promise<boolean>;
  start(session: Session): Promise<void>;
  stop(session: Session): Promise<void>;
  /** The last lines of output, as text (for --previous and zellij screen dumps). */
  lastOutput(session: Session, lines: number): Promise<string | undefined>;
  /** Write logs to stdout/stderr. */
  logs(session: Session, opts: LogOptions): Promise<void>;
  /** Live backend details for `inspect`. */
  details(session: Session): Promise<Record<string, unknown>>;
  /** The command that attaches a terminal to the session (argv, and environment to add). */
  attachCommand(session: Session): { argv: string[]; env?: Record<string, string> };
  removeOrphan(o: Orphan): Promise<void>;
}
