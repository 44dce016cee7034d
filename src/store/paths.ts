import { createHash } from "node:crypto";
import { homedir } from "node:os";
import { join, resolve } from "node:path";

/** Where everything of one clauderon installation lives; all below CLAUDERON_HOME. */
export interface Paths {
  home: string;
  configFile: string;
  sessionsDir: string;
  locksDir: string;
  workspacesDir: string;
  historyDir: string;
  backupsDir: string;
  logsDir: string;
  /** short hash of the absolute CLAUDERON_HOME: the `clauderon.home` label */
  homeHash: string;
}

export function resolveHome(env: NodeJS.ProcessEnv = process.env): string {
  if (env.CLAUDERON_HOME) return resolve(env.CLAUDERON_HOME);
  const xdg = env.XDG_CONFIG_HOME;
  return resolve(xdg ? join(xdg, "clauderon") : join(env.HOME || homedir(), ".config", "clauderon"));
}

export function resolvePaths(env: NodeJS.ProcessEnv = process.env): Paths {
  const home = resolveHome(env);
  return {
    home,
    configFile: join(home, "config.toml"),
    sessionsDir: join(home, "sessions"),
    locksDir: join(home, "locks"),
    workspacesDir: join(home, "workspaces"),
    historyDir: join(home, "history"),
    backupsDir: join(home, "backups"),
    logsDir: join(home, "logs"),
    homeHash: createHash("sha256").update(home).digest("hex").slice(0, 12),
  };
}

export const workspacePath = (p: Paths, name: string) => join(p.workspacesDir, name);
export const historyPath = (p: Paths, name: string) => join(p.historyDir, name);
export const backupsPath = (p: Paths, name: string) => join(p.backupsDir, name);
export const sessionFile = (p: Paths, name: string) => join(p.sessionsDir, `${name}.json`);
export const lockFile = (p: Paths, name: string) => join(p.locksDir, `${name}.lock`);
