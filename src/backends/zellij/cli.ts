import { accessSync, constants, statSync } from "node:fs";
import { join } from "node:path";
import { ClauderonError } from "../../core/errors";

/** Oldest zellij the backend supports (contract: checked with `zellij --version`). */
export const MIN_ZELLIJ = "0.44.0";

/** Resolve the zellij executable: CLAUDERON_ZELLIJ, else `zellij` on PATH; undefined if absent. */
export function zellijBinary(env: NodeJS.ProcessEnv): string | undefined {
  const want = env.CLAUDERON_ZELLIJ || "zellij";
  if (want.includes("/")) {
    try {
      accessSync(want, constants.X_OK);
      return statSync(want).isFile() ? want : undefined;
    } catch {
      return undefined;
    }
  }
  return Bun.which(want, { PATH: env.PATH ?? "" }) ?? undefined;
}

/**
 * The socket directory zellij will use, resolved the way zellij does (ZELLIJ_SOCKET_DIR, else
 * $XDG_RUNTIME_DIR/zellij, else /tmp/zellij-<uid>). clauderon passes it explicitly on every call,
 * so cron/systemd and the user's shell agree.
 */
export function socketDirFor(env: NodeJS.ProcessEnv, configured: string): string {
  if (configured) return configured;
  if (env.ZELLIJ_SOCKET_DIR) return env.ZELLIJ_SOCKET_DIR;
  if (env.XDG_RUNTIME_DIR) return join(env.XDG_RUNTIME_DIR, "zellij");
  return `/tmp/zellij-${process.getuid?.() ?? 0}`;
}

const ANSI = /\x1b\[[0-9;?]*[ -/]*[@-~]/g;

export interface ListedSession {
  name: string;
  exited: boolean;
  /** seconds since creation, when it could be read */
  ageSeconds?: number;
}

/** humantime-style "1h 2m 3s" (also "5m 3s", "3s", "2days 1h") → seconds. Loose on purpose. */
export function parseDuration(d: string): number | undefined {
  const units: Record<string, number> = { y: 31557600, years: 31557600, year: 31557600, months: 2630016, month: 2630016, M: 2630016, w: 604800, weeks: 604800, week: 604800, d: 86400, days: 86400, day: 86400, h: 3600, m: 60, s: 1, ms: 0.001, us: 0.000001, ns: 1e-9 };
  let total = 0;
  let matched = false;
  for (const part of d.trim().split(/\s+/)) {
    const m = /^(\d+)([a-zA-Z]+)$/.exec(part);
    if (!m || units[m[2]!] === undefined) return undefined;
    total += Number(m[1]) * units[m[2]!]!;
    matched = true;
  }
  return matched ? total : undefined;
}

/** Parse `zellij list-sessions --no-formatting` (ANSI stripped anyway): exact names only. */
export function parseListSessions(stdout: string): ListedSession[] {
  const out: ListedSession[] = [];
  for (const raw of stdout.replace(ANSI, "").split("\n")) {
    const line = raw.trimEnd();
    if (!line) continue;
    const m = /^(\S+) \[Created (.*?) ago\](?: (.*))?$/.exec(line);
    if (!m) continue;
    out.push({ name: m[1]!, exited: (m[3] ?? "").startsWith("(EXITED"), ageSeconds: parseDuration(m[2]!) });
  }
  return out;
}

/** One entry of `zellij action list-panes --json` (PaneListEntry, PaneInfo flattened). */
export interface PaneEntry {
  id: number;
  is_plugin: boolean;
  title: string;
  exited: boolean;
  exit_status: number | null;
  is_held: boolean;
  terminal_command?: string | null;
  pane_command?: string;
  pane_cwd?: string;
}

export function parsePanes(stdout: string): PaneEntry[] {
  const data = JSON.parse(stdout) as unknown;
  if (!Array.isArray(data)) throw new Error("list-panes did not return a JSON array");
  return data as PaneEntry[];
}

export const AGENT_PANE = "clauderon-agent";

/** The agent's pane: the one clauderon named, else the first terminal pane running a command. */
export function agentPane(panes: PaneEntry[]): PaneEntry | undefined {
  const terms = panes.filter((p) => !p.is_plugin);
  return terms.find((p) => p.title === AGENT_PANE) ?? terms.find((p) => p.terminal_command);
}

export function parseVersion(stdout: string): string | undefined {
  return /(\d+\.\d+\.\d+)/.exec(stdout)?.[1];
}

export function versionAtLeast(v: string, min: string): boolean {
  const a = v.split(".").map(Number);
  const b = min.split(".").map(Number);
  for (let i = 0; i < 3; i++) if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) > (b[i] ?? 0);
  return true;
}

const kdl = (s: string) => JSON.stringify(s);

/** A layout with one pane running the agent in the workspace (held on exit, so its status shows). */
export function agentLayout(argv: string[], cwd: string): string {
  const [cmd, ...args] = argv;
  return [
    "layout {",
    `    pane name=${kdl(AGENT_PANE)} command=${kdl(cmd ?? "sh")} cwd=${kdl(cwd)} close_on_exit=false {`,
    ...(args.length ? [`        args ${args.map(kdl).join(" ")}`] : []),
    "    }",
    "}",
    "",
  ].join("\n");
}

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Run zellij with an argv array; a call that does not answer within timeoutMs is killed and reported. */
export async function runZellij(bin: string, args: string[], o: { env: Record<string, string | undefined>; timeoutMs: number; quiet?: boolean; socketDir: string }): Promise<Run> {
  let p: ReturnType<typeof Bun.spawn>;
  try {
    p = Bun.spawn([bin, ...args], {
      env: o.env,
      stdin: "ignore",
      // a session started in the background must not hold our pipes open
      stdout: o.quiet ? "ignore" : "pipe",
      stderr: o.quiet ? "ignore" : "pipe",
    });
  } catch (e) {
    throw new ClauderonError("unreachable", `cannot run zellij (${bin}): ${(e as Error).message}`);
  }
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    p.kill("SIGKILL");
  }, o.timeoutMs);
  const [stdout, stderr, code] = await Promise.all([
    o.quiet ? "" : new Response(p.stdout as ReadableStream).text(),
    o.quiet ? "" : new Response(p.stderr as ReadableStream).text(),
    p.exited,
  ]);
  clearTimeout(timer);
  if (timedOut) {
    throw new ClauderonError("unreachable", `zellij ${args.join(" ")} did not answer within ${o.timeoutMs / 1000} s and was killed (socket dir ${o.socketDir})`);
  }
  return { code, stdout, stderr };
}
