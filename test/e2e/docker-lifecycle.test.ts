import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { docker, dockerTry, makeEnv, sessionFile, snapshot, waitFor, type Env } from "../support/harness";

/** The whole life of a Docker session, through the compiled binary against the real engine. */
describe("docker session lifecycle (compiled binary, real engine)", () => {
  let E: Env;
  const status = async (name: string) => (await E.run(["status", name, "--json"])).json();
  beforeAll(async () => {
    E = await makeEnv();
  });
  afterAll(async () => E.cleanup());

  test("create → Healthy, container labelled, workspace bind-mounted with Mounts, init, on-failure", async () => {
    const r = await E.run(["create", "life", "--repo", join(E.root, "repo"), "--env", "SECRET_TOKEN=hunter2", "--json"]);
    expect(r.code).toBe(0);
    const s = r.json();
    expect(s.name).toBe("life");
    expect(s.health.state).toBe("Healthy");
    expect(s.health.actions).toEqual(["stop", "recreate", "cleanup"]);
    expect(s.workspace).toBe(join(E.home, "workspaces", "life"));
    expect(s.historyDir).toBe(join(E.home, "history", "life"));
    expect(s.backups).toEqual([]);
    expect(JSON.stringify(s)).not.toContain("hunter2");
    expect(s.config.env.SECRET_TOKEN).toBe("<redacted>");
    const info = JSON.parse(docker("inspect", "clauderon-life"))[0];
    expect(info.Config.Labels["clauderon.managed"]).toBe("true");
    expect(info.Config.Labels["clauderon.session"]).toBe("life");
    expect(info.Config.Labels["clauderon.home"]).toMatch(/^[0-9a-f]{12}$/);
    expect(info.HostConfig.Init).toBe(true);
    expect(info.HostConfig.RestartPolicy.Name).toBe("on-failure");
    expect(info.HostConfig.Binds ?? []).toEqual([]);
    expect(info.HostConfig.Mounts.map((m: any) => m.Target)).toContain("/workspace");
    expect(info.Config.User).toBe(`${process.getuid!()}:${process.getgid!()}`);
    expect(existsSync(join(E.home, "workspaces", "life", "src.txt"))).toBe(true);
    const file = sessionFile(E.home, "life");
    expect(file.config.baseCommit).toMatch(/^[0-9a-f]{40}$/);
    expect(file.config.workBranch).toBe("clauderon/life");
    expect(readFileSync(join(E.home, "sessions", "life.json"), "utf8")).not.toContain("hunter2xx");
  });

  test("list and status (human) show the state", async () => {
    const l = await E.run(["list"]);
    expect(l.code).toBe(0);
    expect(l.stdout).toMatch(/life\s+docker\s+Healthy/);
    expect(l.stdout).not.toContain("\x1b[");
    expect(l.stdout).not.toContain("hunter2");
  });

  test("docker kill → Error with the exit code", async () => {
    writeFileSync(join(E.home, "workspaces", "life", "uncommitted.txt"), "precious\n");
    writeFileSync(join(E.home, "workspaces", "life", "src.txt"), "v2 edited\n");
    docker("kill", "clauderon-life");
    const s = await waitFor("Error", async () => {
      const st = await status("life");
      return st.health.state === "Error" ? st : undefined;
    });
    expect(s.health.details.exitCode).toBe(137);
    expect(s.health.description).toContain("137");
    expect(s.health.actions).toEqual(["recreate", "recreate-fresh", "cleanup"]);
    const bad = await E.run(["start", "life"]);
    expect(bad.code).toBe(3);
    expect(bad.stderr).toContain("recreate, recreate-fresh, cleanup");
  });

  test("recreate → Healthy with the uncommitted work intact; logs --previous keeps the old output", async () => {
    const r = await E.run(["recreate", "life", "--json"]);
    expect(r.code).toBe(0);
    expect(r.json().health.state).toBe("Healthy");
    expect(readFileSync(join(E.home, "workspaces", "life", "uncommitted.txt"), "utf8")).toBe("precious\n");
    expect(readFileSync(join(E.home, "workspaces", "life", "src.txt"), "utf8")).toBe("v2 edited\n");
    const prev = await E.run(["logs", "life", "--previous"]);
    expect(prev.code).toBe(0);
    expect(prev.stdout).toContain("agent-started");
    const logs = await waitFor("agent output", async () => {
      const l = await E.run(["logs", "life"]);
      return l.stdout.includes("agent-started") ? l : undefined;
    });
    expect(logs.code).toBe(0);
  });

  test("docker stop → Stopped; start → Healthy", async () => {
    docker("stop", "-t", "5", "clauderon-life");
    const st = await status("life");
    expect(st.health.state).toBe("Stopped");
    expect(st.health.details.exitCode).toBe(143);
    const r = await E.run(["start", "life", "--json"]);
    expect(r.code).toBe(0);
    expect(r.json().health.state).toBe("Healthy");
  });

  test("clauderon stop → Stopped with restart policy 'no'; start restores on-failure", async () => {
    const r = await E.run(["stop", "life"]);
    expect(r.code).toBe(0);
    expect((await status("life")).health.state).toBe("Stopped");
    expect(JSON.parse(docker("inspect", "clauderon-life"))[0].HostConfig.RestartPolicy.Name).toBe("no");
    const again = await E.run(["stop", "life"]);
    expect(again.code).toBe(3);
    expect((await E.run(["start", "life"])).code).toBe(0);
    expect(JSON.parse(docker("inspect", "clauderon-life"))[0].HostConfig.RestartPolicy.Name).toBe("on-failure");
  });

  test("docker pause → Stopped; start unpauses", async () => {
    docker("pause", "clauderon-life");
    expect((await status("life")).health.state).toBe("Stopped");
    expect((await E.run(["start", "life"])).code).toBe(0);
    expect((await status("life")).health.state).toBe("Healthy");
  });

  test("docker rm -f → DeletedExternally", async () => {
    docker("rm", "-f", "clauderon-life");
    const st = await status("life");
    expect(st.health.state).toBe("DeletedExternally");
    expect(st.health.actions).toEqual(["recreate", "recreate-fresh", "cleanup"]);
  });

  test("recreate --fresh → clean workspace, readable backup with the uncommitted work", async () => {
    writeFileSync(join(E.home, "workspaces", "life", "debug.log"), "ignored file\n");
    const r = await E.run(["recreate", "life", "--fresh", "--json"]);
    expect(r.code).toBe(0);
    const out = r.json();
    expect(out.health.state).toBe("Healthy");
    expect(out.backup).toStartWith(join(E.home, "backups", "life"));
    const ws = join(E.home, "workspaces", "life");
    expect(existsSync(join(ws, "uncommitted.txt"))).toBe(false);
    expect(existsSync(join(ws, "debug.log"))).toBe(false);
    expect(readFileSync(join(ws, "src.txt"), "utf8")).toBe("v1\n");
    const files = readdirSync(out.backup).sort();
    expect(files).toEqual(["repo.bundle", "tracked.patch", "untracked.list", "untracked.tar"]);
    expect(readFileSync(join(out.backup, "tracked.patch"), "utf8")).toContain("+v2 edited");
    const list = Bun.spawnSync(["tar", "-tf", join(out.backup, "untracked.tar")]).stdout.toString();
    expect(list).toContain("uncommitted.txt");
    expect(list).toContain("debug.log");
    const insp = (await E.run(["inspect", "life", "--json"])).json();
    expect(insp.backups).toContain(out.backup);
    expect(insp.events.some((e: any) => e.type === "backup")).toBe(true);
    expect(insp.git.dirty).toEqual([]);
  });

  test("inspect shows live details, git status and preservation", async () => {
    writeFileSync(join(E.home, "workspaces", "life", "new.txt"), "x\n");
    const r = await E.run(["inspect", "life", "--json"]);
    expect(r.code).toBe(0);
    const i = r.json();
    expect(i.live.status).toBe("running");
    expect(i.live.restartCount).toBe(0);
    expect(i.git.dirty).toContain("?? new.txt");
    expect(i.git.ahead).toBe(0);
    expect(i.actions.find((a: any) => a.action === "recreate").preserves.uncommitted).toContain("kept");
    const h = await E.run(["inspect", "life"]);
    expect(h.stdout).toContain("workspace:");
    expect(h.stdout).toContain("recent events:");
  });

  test("cleanup without a TTY and without --yes refuses to lose work (exit 3); --yes removes everything", async () => {
    const before = snapshot(E.home);
    const r = await E.run(["cleanup", "life"]);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain("untracked");
    expect(snapshot(E.home)).toEqual(before);
    expect(dockerTry("inspect", "clauderon-life").code).toBe(0);
    const ok = await E.run(["cleanup", "life", "--yes"]);
    expect(ok.code).toBe(0);
    expect(dockerTry("inspect", "clauderon-life").code).not.toBe(0);
    expect(existsSync(join(E.home, "workspaces", "life"))).toBe(false);
    expect(existsSync(join(E.home, "history", "life"))).toBe(false);
    expect(existsSync(join(E.home, "sessions", "life.json"))).toBe(false);
    expect((await E.run(["status", "life"])).code).toBe(4);
  });
});
