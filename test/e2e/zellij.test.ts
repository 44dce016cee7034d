import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT, makeEnv, sessionFile, snapshot, testConfig, waitFor, type Env } from "../support/harness";

/** zellij sessions through the compiled binary, with the stand-in zellij (test/support/zellij). */
const STANDIN = join(ROOT, "test", "support", "zellij");

describe("zellij backend (stand-in reproducing zellij 0.44.0)", () => {
  let E: Env;
  let zenv: Record<string, string>;
  const zellij = (...args: string[]) => {
    const r = Bun.spawnSync([STANDIN, ...args], { env: { ...process.env, ...zenv }, stdout: "pipe", stderr: "pipe" });
    return { code: r.exitCode, out: r.stdout.toString(), err: r.stderr.toString() };
  };
  const state = async (name: string) => (await E.run(["status", name, "--json"])).json().health;
  const marker = `agent-${process.pid}`;
  const agent = (extra = "") => ["--", "sh", "-c", `echo zellij-agent-up; ${extra} while true; do sleep 1; done`, marker];

  beforeAll(async () => {
    E = await makeEnv(testConfig({ extra: "[health]\ncheck_timeout = 5" }));
    zenv = { CLAUDERON_ZELLIJ: STANDIN, ZELLIJ_SOCKET_DIR: join(E.root, "zsock"), XDG_CACHE_HOME: join(E.root, "cache") };
    Object.assign(E.env, zenv);
  });
  afterAll(async () => {
    for (const line of zellij("list-sessions", "--short").out.split("\n").filter(Boolean)) zellij("delete-session", "--force", line);
    Bun.spawnSync(["pkill", "-KILL", "-f", marker]);
    await E.cleanup();
  });

  test("create → Healthy; zellij offers recreate and cleanup (no start/stop)", async () => {
    const r = await E.run(["create", "zz", "--repo", join(E.root, "repo"), "--backend", "zellij", "--json", ...agent()]);
    expect(r.code).toBe(0);
    const s = r.json();
    expect(s.health.state).toBe("Healthy");
    expect(s.health.actions).toEqual(["recreate", "cleanup"]);
    expect(zellij("list-sessions", "--no-formatting").out).toMatch(/^clauderon-zz \[Created .* ago\] $/m);
    expect(sessionFile(E.home, "zz").endpoint.socketDir).toBe(join(E.root, "zsock"));
    expect((await E.run(["stop", "zz"])).code).toBe(3);
    expect((await E.run(["start", "zz"])).code).toBe(3);
    const logs = await waitFor("screen", async () => {
      const l = await E.run(["logs", "zz"]);
      return l.stdout.includes("zellij-agent-up") ? l : undefined;
    });
    expect(logs.code).toBe(0);
  });

  test("the agent runs in the workspace with the session's env and its own history dir", async () => {
    const r = await E.run(["create", "envy", "--repo", join(E.root, "repo"), "--backend", "zellij", "--env", "FOO=bar baz", "--", "sh", "-c", 'echo "FOO=$FOO HIST=$CLAUDE_CONFIG_DIR PWD=$(pwd)"; exec sleep 3600', marker]);
    expect(r.code).toBe(0);
    const l = await waitFor("screen", async () => {
      const x = await E.run(["logs", "envy"]);
      return x.stdout.includes("FOO=") ? x : undefined;
    });
    expect(l.stdout).toContain(`FOO=bar baz HIST=${join(E.home, "history", "envy")} PWD=${join(E.home, "workspaces", "envy")}`);
    expect((await E.run(["cleanup", "envy", "--yes"])).code).toBe(0);
  });

  test("agent process killed → Error with the exit status; recreate → Healthy, workspace kept", async () => {
    writeFileSync(join(E.home, "workspaces", "zz", "wip.txt"), "keep me\n");
    Bun.spawnSync(["pkill", "-KILL", "-f", marker]);
    const h = await waitFor("Error", async () => {
      const x = await state("zz");
      return x.state === "Error" ? x : undefined;
    });
    expect(h.details.exitStatus).toBe(137);
    expect(h.actions).toEqual(["recreate", "recreate-fresh", "cleanup"]);
    const r = await E.run(["recreate", "zz", "--json"]);
    expect(r.code).toBe(0);
    expect(r.json().health.state).toBe("Healthy");
    expect(existsSync(join(E.home, "workspaces", "zz", "wip.txt"))).toBe(true);
    const prev = await E.run(["logs", "zz", "--previous"]);
    expect(prev.stdout).toContain("zellij-agent-up");
  });

  test("agent that finishes with status 0 → Stopped", async () => {
    const r = await E.run(["create", "done", "--repo", join(E.root, "repo"), "--backend", "zellij", "--", "sh", "-c", "echo finished; exit 0"]);
    expect(r.code).toBe(0);
    const h = await waitFor("Stopped", async () => {
      const x = await state("done");
      return x.state === "Stopped" ? x : undefined;
    });
    expect(h.details.exitStatus).toBe(0);
    expect(h.actions).toEqual(["recreate", "cleanup"]);
    expect((await E.run(["cleanup", "done", "--yes"])).code).toBe(0);
  });

  test("session killed externally → Error (EXITED, resurrectable); recreate deletes it for good and starts clean", async () => {
    expect(zellij("kill-session", "clauderon-zz").code).toBe(0);
    expect(zellij("list-sessions", "--no-formatting").out).toContain("clauderon-zz [Created");
    expect(zellij("list-sessions", "--no-formatting").out).toContain("(EXITED - attach to resurrect)");
    const h = await state("zz");
    expect(h.state).toBe("Error");
    expect(h.details.sessionStatus).toBe("EXITED");
    expect((await E.run(["recreate", "zz"])).code).toBe(0);
    expect((await state("zz")).state).toBe("Healthy");
    const panes = JSON.parse(zellij("--session", "clauderon-zz", "action", "list-panes", "--json").out);
    expect(panes[0].is_held).toBe(false);
  });

  test("exact names only: a session named like ours plus a suffix is not ours", async () => {
    expect(zellij("--layout", "/dev/null", "attach", "--create-background", "clauderon-zzz").code).toBe(0);
    expect(zellij("delete-session", "--force", "clauderon-zz").code).toBe(0);
    const h = await state("zz");
    expect(h.state).toBe("DeletedExternally");
    const l = (await E.run(["list", "--json"])).json();
    expect(l.orphans).toEqual([{ backend: "zellij", id: "clauderon-zzz", name: "clauderon-zzz" }]);
  });

  test("deleted externally → DeletedExternally, then reconcile brings it back Healthy", async () => {
    const done = await waitFor("reconciled", async () => {
      const r = await E.run(["reconcile", "zz", "--json"]);
      return r.code === 0 ? r : undefined;
    });
    expect(done.json().sessions[0]).toMatchObject({ action: "recreate", result: "ok", stateAfter: "Healthy" });
    const events = sessionFile(E.home, "zz").events.map((e: any) => e.type);
    expect(events).toContain("deleted-externally");
  });

  test("orphans are removed only by cleanup --orphans", async () => {
    expect((await E.run(["reconcile", "--json"])).json().orphans.map((o: any) => o.name)).toContain("clauderon-zzz");
    expect(zellij("list-sessions", "--short").out).toContain("clauderon-zzz");
    expect((await E.run(["cleanup", "--orphans", "--yes"])).code).toBe(0);
    expect(zellij("list-sessions", "--short").out).not.toContain("clauderon-zzz");
  });

  test("zellij missing, too old, hung, or another socket dir: clear error, exit 1, nothing marked Missing, files unchanged", async () => {
    const before = snapshot(E.home);
    const missing = await E.run(["status", "zz", "--json"], { env: { CLAUDERON_ZELLIJ: "/nonexistent/zellij" } });
    expect(missing.code).toBe(1);
    expect(missing.json().health).toMatchObject({ state: "Healthy", stale: true });
    expect(missing.stderr).toContain("zellij is not installed");
    const noPath = await E.run(["list"], { env: { CLAUDERON_ZELLIJ: "", PATH: "/usr/bin:/bin" } });
    expect(noPath.code).toBe(1);
    expect(noPath.stderr).toContain("no 'zellij' on PATH");
    const old = await E.run(["status", "zz"], { env: { ZELLIJ_STANDIN_VERSION: "0.43.1" } });
    expect(old.code).toBe(1);
    expect(old.stderr).toContain("zellij 0.43.1");
    expect(old.stderr).toContain("0.44.0 or later");
    const t0 = Date.now();
    const hung = await E.run(["reconcile", "--now"], { env: { ZELLIJ_STANDIN_HANG: "list-sessions" } });
    expect(hung.code).toBe(1);
    expect(hung.stderr).toContain("did not answer within 5 s and was killed");
    expect(Date.now() - t0).toBeLessThan(20_000);
    const other = await E.run(["status", "zz", "--json"], { env: { ZELLIJ_SOCKET_DIR: join(E.root, "elsewhere") } });
    expect(other.code).toBe(1);
    expect(other.json().health.error).toContain("socket dir");
    expect(snapshot(E.home)).toEqual(before);
    expect((await state("zz")).state).toBe("Healthy");
  });

  test("zellij unreachable: only zellij sessions are unreachable; Docker sessions are still shown and reconciled", async () => {
    expect((await E.run(["create", "dock", "--repo", join(E.root, "repo")])).code).toBe(0);
    Bun.spawnSync(["docker", "rm", "-f", "clauderon-dock"]);
    const env = { CLAUDERON_ZELLIJ: "/nonexistent/zellij" };
    const l = await E.run(["list", "--json"], { env });
    expect(l.code).toBe(1);
    const by = Object.fromEntries(l.json().sessions.map((x: any) => [x.name, x.health]));
    expect(by.dock).toMatchObject({ state: "DeletedExternally", stale: false });
    expect(by.zz).toMatchObject({ state: "Healthy", stale: true });
    const r = await waitFor("dock recreated", async () => {
      const x = await E.run(["reconcile", "--json"], { env });
      return x.json().sessions.find((e: any) => e.name === "dock").result === "ok" ? x : undefined;
    });
    expect(r.code).toBe(1);
    expect(r.json().sessions.find((e: any) => e.name === "zz")).toMatchObject({ action: "none", result: "skipped" });
    expect((await E.run(["status", "dock", "--json"], { env })).json().health.state).toBe("Healthy");
    expect((await E.run(["cleanup", "dock", "--yes"])).code).toBe(0);
  });

  test("zellij not installed and no zellij sessions: simply skipped", async () => {
    const D = await makeEnv();
    try {
      const r = await D.run(["list"], { env: { CLAUDERON_ZELLIJ: "/nonexistent/zellij" } });
      expect(r.code).toBe(0);
      expect(r.stderr).toBe("");
    } finally {
      await D.cleanup();
    }
  });

  test("cleanup leaves no session, not even a resurrectable one", async () => {
    expect((await E.run(["cleanup", "zz", "--yes"])).code).toBe(0);
    const ls = zellij("list-sessions", "--no-formatting");
    expect(ls.out).not.toContain("clauderon-zz ");
    expect(existsSync(join(E.root, "cache", "zellij", "contract_version_1", "session_info", "clauderon-zz"))).toBe(false);
    expect(existsSync(join(E.home, "workspaces", "zz"))).toBe(false);
  });

  test("recreate --backend moves a session between Docker and zellij, keeping the workspace", async () => {
    expect((await E.run(["create", "mover", "--repo", join(E.root, "repo"), ...agent()])).code).toBe(0);
    writeFileSync(join(E.home, "workspaces", "mover", "wip.txt"), "moving\n");
    const z = await E.run(["recreate", "mover", "--backend", "zellij", "--json"]);
    expect(z.code).toBe(0);
    expect(z.json()).toMatchObject({ backend: "zellij", health: { state: "Healthy" } });
    expect(Bun.spawnSync(["docker", "inspect", "clauderon-mover"]).exitCode).not.toBe(0);
    expect(zellij("list-sessions", "--short").out).toContain("clauderon-mover");
    const s = sessionFile(E.home, "mover");
    expect(s.endpoint.socketDir).toBe(join(E.root, "zsock"));
    expect(s.config.image).toBeNull();
    const d = await E.run(["recreate", "mover", "--backend", "docker", "--json"]);
    expect(d.code).toBe(0);
    expect(d.json()).toMatchObject({ backend: "docker", health: { state: "Healthy" } });
    expect(zellij("list-sessions", "--short").out).not.toContain("clauderon-mover");
    expect(existsSync(join(E.home, "workspaces", "mover", "wip.txt"))).toBe(true);
    expect((await E.run(["cleanup", "mover", "--yes"])).code).toBe(0);
  });

  test("attach needs a terminal", async () => {
    mkdirSync(join(E.root, "x"), { recursive: true });
    expect((await E.run(["create", "att", "--repo", join(E.root, "repo"), "--backend", "zellij", ...agent()])).code).toBe(0);
    const r = await E.run(["attach", "att"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("terminal");
    expect((await E.run(["cleanup", "att", "--yes"])).code).toBe(0);
  });
});
