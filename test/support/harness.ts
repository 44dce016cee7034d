import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

export const ROOT = resolve(import.meta.dir, "../..");
export const BIN = join(ROOT, "dist", "clauderon");
export const TEST_IMAGE = "localtest/busybox:latest";

/** Build the binary once per test run (bun test runs files in one process). */
let built: Promise<void> | undefined;
export function ensureBuilt(): Promise<void> {
  built ??= (async () => {
    const p = Bun.spawn(["bun", "run", "build"], { cwd: ROOT, stdout: "pipe", stderr: "pipe" });
    const [code, err] = await Promise.all([p.exited, new Response(p.stderr).text()]);
    if (code !== 0) throw new Error(`build failed: ${err}`);
  })();
  return built;
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
  json<T = any>(): T;
}

export interface Env {
  home: string;
  root: string;
  env: Record<string, string>;
  run(args: string[], opts?: { env?: Record<string, string>; timeoutMs?: number; stdin?: string }): Promise<RunResult>;
  cleanup(): Promise<void>;
}

const sh = (cmd: string[], cwd?: string) => {
  const r = Bun.spawnSync(cmd, { cwd, stdout: "pipe", stderr: "pipe", env: { ...process.env, GIT_AUTHOR_NAME: "t", GIT_AUTHOR_EMAIL: "t@t", GIT_COMMITTER_NAME: "t", GIT_COMMITTER_EMAIL: "t@t" } });
  if (r.exitCode !== 0) throw new Error(`${cmd.join(" ")} failed: ${r.stderr.toString()}`);
  return r.stdout.toString();
};
export { sh };

/** A real git repository with two commits and a .gitignore. */
export function makeRepo(dir: string): string {
  mkdirSync(dir, { recursive: true });
  sh(["git", "init", "-q", "-b", "main"], dir);
  writeFileSync(join(dir, "README.md"), "# test repo\n");
  writeFileSync(join(dir, ".gitignore"), "*.log\n");
  sh(["git", "add", "."], dir);
  sh(["git", "commit", "-q", "-m", "first"], dir);
  writeFileSync(join(dir, "src.txt"), "v1\n");
  sh(["git", "add", "."], dir);
  sh(["git", "commit", "-q", "-m", "second"], dir);
  return dir;
}

export const AGENT = ["sh", "-c", "echo agent-started; exec sleep 3600"];

export function testConfig(o: { docker?: string; reconciliation?: string; extra?: string } = {}): string {
  return [
    "[agent]",
    `image = "${TEST_IMAGE}"`,
    `command = ${JSON.stringify(AGENT)}`,
    "[docker]",
    'pull = "never"',
    "stop_timeout = 2",
    o.docker ?? "",
    "[reconciliation]",
    o.reconciliation ?? "initial_delay = 1\nbackoff_multiplier = 2\nmax_delay = 4\nverify_after = 1",
    o.extra ?? "",
  ].join("\n");
}

/** A fresh CLAUDERON_HOME with a test config, a repo, and a runner for the compiled binary. */
export async function makeEnv(configText = testConfig()): Promise<Env> {
  await ensureBuilt();
  const root = mkdtempSync(join(tmpdir(), "clauderon-e2e-"));
  const home = join(root, "home");
  mkdirSync(home, { recursive: true });
  writeFileSync(join(home, "config.toml"), configText);
  makeRepo(join(root, "repo"));
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    HOME: root,
    CLAUDERON_HOME: home,
    NO_COLOR: "1",
    DOCKER_HOST: process.env.DOCKER_HOST ?? "unix:///var/run/docker.sock",
  };
  const e: Env = {
    home,
    root,
    env,
    async run(args, opts = {}) {
      const p = Bun.spawn([BIN, ...args], {
        cwd: root,
        env: { ...env, ...(opts.env ?? {}) },
        stdin: opts.stdin !== undefined ? new TextEncoder().encode(opts.stdin) : "ignore",
        stdout: "pipe",
        stderr: "pipe",
      });
      const timer = setTimeout(() => p.kill("SIGKILL"), opts.timeoutMs ?? 50_000);
      const [stdout, stderr, code] = await Promise.all([new Response(p.stdout).text(), new Response(p.stderr).text(), p.exited]);
      clearTimeout(timer);
      return {
        code,
        stdout,
        stderr,
        json() {
          try {
            return JSON.parse(stdout);
          } catch {
            throw new Error(`not JSON (exit ${code}):\n${stdout}\nstderr:\n${stderr}`);
          }
        },
      };
    },
    async cleanup() {
      await removeContainersOf(home);
      rmSync(root, { recursive: true, force: true });
    },
  };
  return e;
}

/**
 * A proxy in front of the real engine, on a unix socket or a loopback TCP port: every request is
 * forwarded unchanged to /var/run/docker.sock, after `onRequest` has seen it.
 */
export function engineProxy(at: { unix: string } | { port: 0 }, onRequest: (method: string, path: string) => void = () => {}) {
  return Bun.serve({
    ...("unix" in at ? { unix: at.unix } : { hostname: "127.0.0.1", port: 0 }),
    async fetch(req: Request) {
      const u = new URL(req.url);
      onRequest(req.method, u.pathname);
      const body = req.method === "GET" || req.method === "HEAD" ? undefined : await req.arrayBuffer();
      return fetch(`http://docker${u.pathname}${u.search}`, { method: req.method, headers: req.headers, body, unix: "/var/run/docker.sock" } as RequestInit);
    },
  } as Parameters<typeof Bun.serve>[0]);
}

/** Docker CLI helper (the real engine). */
export function docker(...args: string[]): string {
  return sh(["docker", ...args]).trim();
}
export function dockerTry(...args: string[]): { code: number; out: string } {
  const r = Bun.spawnSync(["docker", ...args], { stdout: "pipe", stderr: "pipe" });
  return { code: r.exitCode, out: (r.stdout.toString() + r.stderr.toString()).trim() };
}

/** Remove every container whose clauderon.home is this home's hash. */
export async function removeContainersOf(home: string) {
  const { resolvePaths } = await import("../../src/store/paths");
  const hash = resolvePaths({ CLAUDERON_HOME: home }).homeHash;
  const ids = dockerTry("ps", "-aq", "--filter", `label=clauderon.home=${hash}`).out.split("\n").filter(Boolean);
  if (ids.length) dockerTry("rm", "-f", ...ids);
}

/** Poll until `fn` returns a truthy value, or fail after timeoutMs (never a bare sleep). */
export async function waitFor<T>(what: string, fn: () => Promise<T> | T, timeoutMs = 20_000, everyMs = 100): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v as NonNullable<T>;
      last = v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what} (last: ${last instanceof Error ? last.message : JSON.stringify(last)})`);
    await Bun.sleep(everyMs);
  }
}

/** Snapshot of every file under a directory (path → content), to prove "nothing changed". */
export function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) {
        if (e.name === ".git") continue;
        walk(p);
      } else if (e.isFile()) out[p] = readFileSync(p, "base64");
    }
  };
  walk(dir);
  return out;
}

export const sessionFile = (home: string, name: string) => JSON.parse(readFileSync(join(home, "sessions", `${name}.json`), "utf8"));
