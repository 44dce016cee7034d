import type { Session } from "../store/schema";

/** The agent argv: the recorded command, plus the resume arguments when resuming a Claude conversation. */
export function agentArgv(session: Session, resume: boolean): string[] {
  const base = session.config.command;
  if (session.config.agent === "claude" && resume) return [...base, ...session.config.resumeArgs];
  return base;
}

/** Values of [agent] pass_env present in the environment now (credentials: never stored). */
export function passEnv(names: readonly string[], env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of names) {
    const v = env[k];
    if (v !== undefined) out[k] = v;
  }
  return out;
}
