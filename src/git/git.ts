import { existsSync, mkdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { ClauderonError } from "../core/errors";

/** Thin shell around the real git binary (argv arrays only). */
export interface GitResult {
  code: number;
  stdout: string;
  stderr: string;
}

const GIT_ENV = { GIT_TERMINAL_PROMPT: "0", LC_ALL: "C" };

/** git processes running now, so a cancelled operation can stop them before removing their files. */
const running = new Set<{ kill(signal?: number | NodeJS.Signals): void; exited: Promise<number> }>();

export async function stopRunning(): Promise<void> {
  const all = [...running];
  for (const p of all) p.kill("SIGKILL");
  await Promise.all(all.map((p) => p.exited.catch(() => undefined)));
}

export async function git(args: string[], cwd?: string, opts: { progress?: boolean; stdin?: string } = {}): Promise<GitResult> {
  if (cwd !== undefined && !existsSync(cwd)) throw new ClauderonError("git", `git ${args[0]}: the directory ${cwd} does not exist`);
  const p = Bun.spawn(["git", ...args], {
    cwd,
    env: { ...process.env, ...GIT_ENV },
    stdin: opts.stdin !== undefined ? new TextEncoder().encode(opts.stdin) : "ignore",
    stdout: "pipe",
    stderr: opts.progress ? "inherit" : "pipe",
  });
  running.add(p);
  try {
    const [stdout, stderr, code] = await Promise.all([
      new Response(p.stdout).text(),
      opts.progress ? Promise.resolve("") : new Response(p.stderr as ReadableStream).text(),
      p.exited,
    ]);
    return { code, stdout, stderr };
  } finally {
    running.delete(p);
  }
}

async function must(args: string[], cwd: string | undefined, what: string, opts: { progress?: boolean } = {}): Promise<string> {
  const r = await git(args, cwd, opts);
  if (r.code !== 0) {
    const detail = r.stderr.trim().split("\n").slice(-3).join(" / ") || `git exited with ${r.code}`;
    throw new ClauderonError("git", `${what} failed: ${detail}`);
  }
  return r.stdout;
}

/** Clone `repo` into `dest` (which must not exist), optionally a given branch. */
export async function clone(repo: string, dest: string, branch: string | null, progress: boolean) {
  const args = ["clone", "--no-hardlinks", ...(progress ? ["--progress"] : ["--quiet"])];
  if (branch) args.push("--branch", branch);
  args.push("--", repo, dest);
  await must(args, undefined, `cloning ${repo}`, { progress });
}

export async function checkoutNewBranch(dir: string, branch: string) {
  await must(["checkout", "-q", "-B", branch], dir, `creating branch ${branch}`);
}

export async function headCommit(dir: string): Promise<string> {
  return (await must(["rev-parse", "HEAD"], dir, "reading HEAD")).trim();
}

export async function currentBranch(dir: string): Promise<string | null> {
  const r = await git(["symbolic-ref", "--short", "-q", "HEAD"], dir);
  return r.code === 0 ? r.stdout.trim() : null;
}

/** Whether `dir` is a usable clone: it exists and git can read its HEAD. */
export async function cloneState(dir: string): Promise<"ok" | "missing" | "broken"> {
  if (!existsSync(dir)) return "missing";
  if (!existsSync(join(dir, ".git"))) return "broken";
  const r = await git(["rev-parse", "--verify", "-q", "HEAD"], dir);
  return r.code === 0 ? "ok" : "broken";
}

export interface WorkspaceStatus {
  state: "ok" | "missing" | "broken";
  branch: string | null;
  head: string | null;
  /** tracked changes and untracked files: `XY path` as git prints them */
  dirty: string[];
  untracked: number;
  ignored: number;
  /** commits on HEAD that are not in the base commit recorded at create */
  ahead: number;
  stashes: number;
}

export async function workspaceStatus(dir: string, baseCommit: string): Promise<WorkspaceStatus> {
  const state = await cloneState(dir);
  const empty: WorkspaceStatus = { state, branch: null, head: null, dirty: [], untracked: 0, ignored: 0, ahead: 0, stashes: 0 };
  if (state !== "ok") return empty;
  const st = await git(["status", "--porcelain=v1", "-z", "--ignored=matching", "--untracked-files=all"], dir);
  const entries = st.stdout.split("\0").filter(Boolean);
  const dirty: string[] = [];
  let untracked = 0;
  let ignored = 0;
  for (const e of entries) {
    if (e.startsWith("!! ")) ignored++;
    else {
      if (e.startsWith("?? ")) untracked++;
      if (/^[ MADRCU?!]{2} /.test(e)) dirty.push(e);
    }
  }
  const ahead = await git(["rev-list", "--count", `${baseCommit}..HEAD`], dir);
  const stash = await git(["stash", "list"], dir);
  return {
    state,
    branch: await currentBranch(dir),
    head: await headCommit(dir),
    dirty,
    untracked,
    ignored,
    ahead: ahead.code === 0 ? Number(ahead.stdout.trim()) : 0,
    stashes: stash.stdout.split("\n").filter(Boolean).length,
  };
}

/** What would be lost if the workspace were removed: empty when nothing. */
export function workAtRisk(s: WorkspaceStatus): string[] {
  const out: string[] = [];
  const changed = s.dirty.length - s.untracked;
  if (changed > 0) out.push(`${changed} changed tracked file(s)`);
  if (s.untracked > 0) out.push(`${s.untracked} untracked file(s)`);
  if (s.ahead > 0) out.push(`${s.ahead} commit(s) ahead of the base commit`);
  if (s.stashes > 0) out.push(`${s.stashes} stash entr${s.stashes === 1 ? "y" : "ies"}`);
  return out;
}

/**
 * Back up everything a fresh reset would remove: a bundle of all refs (stash included), a binary
 * patch of tracked changes, and a tar of untracked and ignored files. Each part is checked readable.
 */
export async function backupWorkspace(dir: string, dest: string): Promise<{ path: string; files: string[] }> {
  mkdirSync(dest, { recursive: true, mode: 0o700 });
  const bundle = join(dest, "repo.bundle");
  await must(["bundle", "create", "-q", bundle, "--all"], dir, "backing up commits (git bundle)");
  await must(["bundle", "verify", "-q", bundle], dir, "verifying the backup bundle");
  const patch = await must(["diff", "--binary", "HEAD"], dir, "backing up tracked changes (git diff)");
  await Bun.write(join(dest, "tracked.patch"), patch);
  const others = await must(["ls-files", "-z", "--others"], dir, "listing untracked and ignored files");
  const files = ["repo.bundle", "tracked.patch"];
  const list = others.split("\0").filter(Boolean);
  await Bun.write(join(dest, "untracked.list"), list.join("\n") + (list.length ? "\n" : ""));
  files.push("untracked.list");
  if (list.length) {
    const archive = join(dest, "untracked.tar");
    const tar = Bun.spawn(["tar", "-C", dir, "--null", "-cf", archive, "-T", "-"], {
      stdin: new TextEncoder().encode(`${list.join("\0")}\0`),
      stdout: "ignore",
      stderr: "pipe",
    });
    const [code, err] = await Promise.all([tar.exited, new Response(tar.stderr).text()]);
    if (code !== 0) throw new ClauderonError("git", `backing up untracked files (tar) failed: ${err.trim()}`);
    const check = Bun.spawnSync(["tar", "-tf", archive], { stdout: "pipe", stderr: "pipe" });
    if (check.exitCode !== 0 || statSync(archive).size === 0) {
      throw new ClauderonError("git", `the backup archive ${archive} is not readable; nothing was reset`);
    }
    files.push("untracked.tar");
  }
  return { path: dest, files };
}

/** Reset the clone to its committed HEAD and remove untracked and ignored files. */
export async function resetToCommitted(dir: string) {
  await must(["reset", "-q", "--hard", "HEAD"], dir, "resetting the workspace");
  await must(["clean", "-q", "-ffdx"], dir, "removing untracked files");
}
