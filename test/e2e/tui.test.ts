import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { join } from "node:path";
import { BIN, docker, makeEnv, waitFor, type Env } from "../support/harness";

/** The TUI as a person sees it: the compiled binary in a tmux pane, keys sent, screen read. */
describe.if(!!Bun.which("tmux"))("tui in tmux", () => {
  let E: Env;
  let sock: string;
  const tmux = (...args: string[]) => Bun.spawnSync(["tmux", "-S", sock, ...args], { stdout: "pipe", stderr: "pipe" });
  const screen = () => tmux("capture-pane", "-p", "-t", "t").stdout.toString();
  const until = (what: string, re: RegExp) => waitFor(what, () => re.test(screen()), 20_000, 100);

  beforeAll(async () => {
    E = await makeEnv();
    sock = join(E.root, "tmux.sock");
    expect((await E.run(["create", "alpha", "--repo", join(E.root, "repo")])).code).toBe(0);
    expect((await E.run(["create", "beta", "--repo", join(E.root, "repo")])).code).toBe(0);
    docker("kill", "clauderon-beta");
    const env = Object.entries(E.env).map(([k, v]) => `${k}='${v}'`).join(" ");
    const r = tmux("new-session", "-d", "-s", "t", "-x", "160", "-y", "40", `env ${env} ${BIN} tui; sleep 30`);
    expect(r.exitCode).toBe(0);
  });
  afterAll(async () => {
    tmux("kill-server");
    await E.cleanup();
  });

  test("lists sessions with their state", async () => {
    await until("the list", /beta\s+docker\s+Error/);
    expect(screen()).toMatch(/> alpha\s+docker\s+Healthy/);
  });

  test("h on the selected session opens the health modal; r recreates it", async () => {
    tmux("send-keys", "-t", "t", "j");
    await until("selection", /> beta/);
    tmux("send-keys", "-t", "t", "h");
    await until("modal", /health: beta/);
    expect(screen()).toContain("[r] recreate");
    expect(screen()).toContain("exitCode=137");
    tmux("send-keys", "-t", "t", "r");
    await until("recreated", /recreate beta: done/);
    expect(screen()).toMatch(/beta\s+docker\s+Healthy/);
  });

  test("q quits and restores the terminal", async () => {
    tmux("send-keys", "-t", "t", "q");
    await waitFor("exit", () => !screen().includes("clauderon — sessions"), 10_000, 100);
  });
});
