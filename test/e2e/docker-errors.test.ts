import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { docker, dockerTry, makeEnv, sessionFile, snapshot, testConfig, waitFor, type Env } from "../support/harness";

describe("bad input: clear message, documented exit code, nothing changed on disk", () => {
  let E: Env;
  beforeAll(async () => {
    E = await makeEnv();
  });
  afterAll(async () => E.cleanup());

  test("invalid names → exit 2 saying what is allowed", async () => {
    for (const bad of ["Bad_Name", "_lead", "x".repeat(49), "a b", "../etc"]) {
      const before = snapshot(E.home);
      const r = await E.run(["create", bad, "--repo", join(E.root, "repo")]);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain("lowercase letters a-z, digits 0-9 and '-'");
      expect(snapshot(E.home)).toEqual(before);
    }
    expect((await E.run(["status", "UPPER"])).code).toBe(2);
    expect((await E.run(["recreate", "no_pe"])).code).toBe(2);
  });

  test("unknown flags, missing arguments, bad values → exit 2", async () => {
    expect((await E.run(["create", "ok", "--repo", join(E.root, "repo"), "--bogus"])).stderr).toContain("unknown option --bogus");
    expect((await E.run(["create", "ok", "--repo", join(E.root, "repo"), "--bogus"])).code).toBe(2);
    expect((await E.run(["create", "ok"])).code).toBe(2);
    expect((await E.run(["create", "ok", "--repo", join(E.root, "repo"), "--backend", "k8s"])).code).toBe(2);
    expect((await E.run(["create", "ok", "--repo", join(E.root, "repo"), "--env", "1BAD=x"])).code).toBe(2);
    expect((await E.run(["create", "ok", "--repo", join(E.root, "nope")])).code).toBe(2);
    expect((await E.run(["create", "ok", "--repo", join(E.root, "repo"), "--image", "bad image!"])).code).toBe(2);
    expect((await E.run(["frobnicate"])).code).toBe(2);
    expect((await E.run(["status", "--json", "--nope"])).code).toBe(2);
    expect(readdirSync(E.home)).toEqual(["config.toml"]);
  });

  test("no such session → exit 4", async () => {
    for (const cmd of [["status", "ghost"], ["inspect", "ghost"], ["start", "ghost"], ["recreate", "ghost"], ["cleanup", "ghost", "--yes"], ["logs", "ghost"]]) {
      expect((await E.run(cmd)).code).toBe(4);
    }
  });

  test("help: plain text with NO_COLOR, exit 0; -- passes --help through to the agent", async () => {
    const h = await E.run(["create", "--help"]);
    expect(h.code).toBe(0);
    expect(h.stdout).toContain("--repo");
    expect(h.stdout).not.toContain("\x1b[");
    const r = await E.run(["create", "passthru", "--repo", join(E.root, "repo"), "--json", "--", "sh", "-c", "echo got:$0; sleep 3600", "--help"]);
    expect(r.code).toBe(0);
    expect(JSON.parse(docker("inspect", "clauderon-passthru"))[0].Config.Cmd).toEqual(["sh", "-c", "echo got:$0; sleep 3600", "--help"]);
    expect((await E.run(["cleanup", "passthru", "--yes"])).code).toBe(0);
  });

  test("invalid config → exit 2 naming file, line and key; config validate/show", async () => {
    const cfg = join(E.home, "config.toml");
    const good = testConfig();
    writeFileSync(cfg, `${good}\n[health]\ncheck_timeout = "soon"\n`);
    const r = await E.run(["list"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${cfg}:`);
    expect(r.stderr).toContain("check_timeout: expected a number > 0");
    const v = await E.run(["config", "validate", cfg]);
    expect(v.code).toBe(2);
    writeFileSync(cfg, good);
    expect((await E.run(["config", "validate"])).code).toBe(0);
    const show = await E.run(["config", "show"]);
    expect(show.stdout).toContain("backoff schedule: attempt 1 after 1 s, attempt 2 after 2 s, attempt 3 after 4 s");
    expect((await E.run(["config", "show", "--json"])).json().backoffSchedule).toEqual([1, 2, 4]);
  });
});

describe("failures leave nothing behind and tell the truth", () => {
  let E: Env;
  beforeAll(async () => {
    E = await makeEnv(testConfig({ docker: "restart_retries = 2" }));
  });
  afterAll(async () => E.cleanup());

  test("create with an image that is absent and cannot be pulled: error names the image and the step; nothing left", async () => {
    const r = await E.run(["create", "noimg", "--repo", join(E.root, "repo"), "--image", "localtest/absent:1"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("localtest/absent:1");
    expect(r.stderr).toContain("create failed while creating the container");
    expect(existsSync(join(E.home, "sessions", "noimg.json"))).toBe(false);
    expect(existsSync(join(E.home, "workspaces", "noimg"))).toBe(false);
    expect(readdirSync(join(E.home, "workspaces"))).toEqual([]);
    expect(dockerTry("inspect", "clauderon-noimg").code).not.toBe(0);
  });

  test("an agent whose executable does not exist: create succeeds, health tells the truth (exit code 127)", async () => {
    const r = await E.run(["create", "nostart", "--repo", join(E.root, "repo"), "--", "/does/not/exist"]);
    expect(r.code).toBe(0);
    const st = await waitFor("not Healthy", async () => {
      const s = (await E.run(["status", "nostart", "--json"])).json();
      return s.health.state === "Error" || s.health.state === "CrashLoop" ? s : undefined;
    });
    expect(st.health.details.exitCode).toBe(127);
    expect((await E.run(["cleanup", "nostart", "--yes"])).code).toBe(0);
  });

  test("create of a clone that fails (bad branch): says it was the clone", async () => {
    const r = await E.run(["create", "nobranch", "--repo", join(E.root, "repo"), "--branch", "no-such-branch"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("cloning the repository");
    expect(readdirSync(join(E.home, "workspaces"))).toEqual([]);
    expect(existsSync(join(E.home, "sessions", "nobranch.json"))).toBe(false);
  });

  test("an agent that keeps crashing → CrashLoop (restart budget used up, runs young)", async () => {
    const r = await E.run(["create", "crashy", "--repo", join(E.root, "repo"), "--", "sh", "-c", "echo dying; exit 3"]);
    expect(r.code).toBe(0);
    const st = await waitFor(
      "CrashLoop",
      async () => {
        const s = (await E.run(["status", "crashy", "--json"])).json();
        return s.health.state === "CrashLoop" ? s : undefined;
      },
      20_000,
      200,
    );
    expect(st.health.recovery).toBe("maybe");
    expect(st.health.actions).toEqual(["recreate", "recreate-fresh", "cleanup"]);
    expect(st.health.details.restartCount).toBeGreaterThanOrEqual(1);
    expect((await E.run(["cleanup", "crashy", "--yes"])).code).toBe(0);
  });

  test("recreate is blocked when the clone is gone (exit 3, reason, way out)", async () => {
    expect((await E.run(["create", "gone", "--repo", join(E.root, "repo")])).code).toBe(0);
    Bun.spawnSync(["rm", "-rf", join(E.home, "workspaces", "gone")]);
    docker("kill", "clauderon-gone");
    const r = await E.run(["recreate", "gone"]);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain("clone is gone");
    expect(r.stderr).toContain("recreate --fresh");
    const st = (await E.run(["status", "gone", "--json"])).json();
    expect(st.health.blocked[0].action).toBe("recreate");
    const f = await E.run(["recreate", "gone", "--fresh", "--json"]);
    expect(f.code).toBe(0);
    expect(f.json().health.state).toBe("Healthy");
    expect(existsSync(join(E.home, "workspaces", "gone", "src.txt"))).toBe(true);
  });

  test("recreate resumes the conversation when chat history exists; --fresh starts a new one; config is the recorded one", async () => {
    writeFileSync(join(E.home, "history", "gone", "conversation.jsonl"), "{}\n");
    // changing the configured default must not change an existing session
    writeFileSync(join(E.home, "config.toml"), testConfig({ docker: "restart_retries = 2" }).replace('command = ["sh"', 'command = ["/bin/false", "sh"'));
    expect((await E.run(["recreate", "gone"])).code).toBe(0);
    const cmd = JSON.parse(docker("inspect", "clauderon-gone"))[0].Config.Cmd;
    expect(cmd.at(-1)).toBe("--continue");
    expect(cmd[0]).toBe("sh");
    const env = JSON.parse(docker("inspect", "clauderon-gone"))[0].Config.Env;
    expect(env).toContain("CLAUDE_CONFIG_DIR=/clauderon/history");
    docker("kill", "clauderon-gone");
    expect((await E.run(["recreate", "gone", "--fresh"])).code).toBe(0);
    expect(JSON.parse(docker("inspect", "clauderon-gone"))[0].Config.Cmd).not.toContain("--continue");
    expect(existsSync(join(E.home, "history", "gone", "conversation.jsonl"))).toBe(true);
    writeFileSync(join(E.home, "config.toml"), testConfig({ docker: "restart_retries = 2" }));
  });

  test("recreate --image changes the recorded image", async () => {
    docker("tag", "localtest/busybox:latest", "localtest/busybox:other");
    const r = await E.run(["recreate", "gone", "--image", "localtest/busybox:other", "--json"]);
    expect(r.code).toBe(0);
    expect(sessionFile(E.home, "gone").config.image).toBe("localtest/busybox:other");
    expect(JSON.parse(docker("inspect", "clauderon-gone"))[0].Config.Image).toBe("localtest/busybox:other");
  });
});

describe("engine unreachable or a different engine: exit 1, nothing marked missing, files byte-identical", () => {
  let E: Env;
  beforeAll(async () => {
    E = await makeEnv();
    expect((await E.run(["create", "bound", "--repo", join(E.root, "repo")])).code).toBe(0);
    await E.run(["status"]);
  });
  afterAll(async () => E.cleanup());

  test("commands that reach the engine from the environment say which endpoint and what failed", async () => {
    const before = snapshot(E.home);
    const env = { DOCKER_HOST: `unix://${join(E.root, "no-such.sock")}` };
    for (const cmd of [["status"], ["list"], ["reconcile"], ["cleanup", "--orphans", "--yes"], ["create", "other", "--repo", join(E.root, "repo")]]) {
      const r = await E.run(cmd, { env });
      expect({ cmd, code: r.code }).toEqual({ cmd, code: 1 });
      expect(r.stderr).toContain("no-such.sock");
    }
    // a session keeps using the endpoint it was created on, whatever DOCKER_HOST says now
    const s = await E.run(["status", "bound", "--json"], { env });
    expect(s.json().health.state).toBe("Healthy");
    expect(snapshot(E.home)).toEqual(before);
  });

  test("the session's own endpoint down → stale last-known state, never Missing", async () => {
    const f = join(E.home, "sessions", "bound.json");
    const s = sessionFile(E.home, "bound");
    s.endpoint.dockerHost = `unix://${join(E.root, "gone.sock")}`;
    writeFileSync(f, JSON.stringify(s));
    const before = snapshot(E.home);
    const r = await E.run(["status", "bound", "--json"]);
    expect(r.code).toBe(1);
    const j = r.json();
    expect(j.health.stale).toBe(true);
    expect(j.health.state).toBe("Healthy");
    expect(j.health.error).toContain("gone.sock");
    expect(j.health.actions).toEqual([]);
    for (const cmd of [["status"], ["list"], ["inspect", "bound"], ["recreate", "bound"], ["recreate", "bound", "--fresh", "--yes"], ["start", "bound"], ["stop", "bound"], ["cleanup", "bound", "--yes"], ["reconcile"], ["reconcile", "--now"], ["logs", "bound"]]) {
      const r = await E.run(cmd);
      expect({ cmd, code: r.code }).toEqual({ cmd, code: 1 });
      expect(r.stderr).toContain("gone.sock");
    }
    expect(snapshot(E.home)).toEqual(before);
  });

  test("another engine ID → unreachable, not 'not found'", async () => {
    const f = join(E.home, "sessions", "bound.json");
    const s = sessionFile(E.home, "bound");
    s.endpoint.dockerHost = "unix:///var/run/docker.sock";
    s.endpoint.engineId = "SOME:OTHER:ENGINE";
    writeFileSync(f, JSON.stringify(s));
    docker("rm", "-f", "clauderon-bound");
    const before = snapshot(E.home);
    const r = await E.run(["status", "bound", "--json"]);
    expect(r.code).toBe(1);
    expect(r.json().health.state).not.toBe("DeletedExternally");
    expect(r.json().health.error).toContain("wrong engine");
    const rec = await E.run(["reconcile", "--now", "--json"]);
    expect(rec.code).toBe(1);
    expect(dockerTry("inspect", "clauderon-bound").code).not.toBe(0);
    expect(snapshot(E.home)).toEqual(before);
  });
});

describe("logs of a container without a TTY are demultiplexed", () => {
  let E: Env;
  beforeAll(async () => {
    E = await makeEnv(testConfig({ docker: "tty = false" }));
  });
  afterAll(async () => E.cleanup());

  test("stdout and stderr come out on their own streams; --tail limits", async () => {
    const r = await E.run(["create", "plain", "--repo", join(E.root, "repo"), "--", "sh", "-c", "echo to-stdout; echo to-stderr >&2; echo line3; exec sleep 3600"]);
    expect(r.code).toBe(0);
    const l = await waitFor("logs", async () => {
      const x = await E.run(["logs", "plain"]);
      return x.stdout.includes("line3") && x.stderr.includes("to-stderr") ? x : undefined;
    });
    expect(l.stdout).toBe("to-stdout\nline3\n");
    expect(l.stderr).toBe("to-stderr\n");
    // the tail counts lines across both streams, in the order the engine logged them
    const t = await E.run(["logs", "plain", "--tail", "1"]);
    expect((t.stdout + t.stderr).trim().split("\n")).toHaveLength(1);
    expect((await E.run(["logs", "plain", "--tail", "x"])).code).toBe(2);
  });
});
