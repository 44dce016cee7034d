import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { BIN, docker, engineProxy, makeEnv, sessionFile, sh, waitFor, type Env } from "../support/harness";

describe("the binary", () => {
  let E: Env;
  beforeAll(async () => {
    E = await makeEnv();
  });
  afterAll(async () => E.cleanup());

  test("does not auto-load .env or bunfig.toml from the working directory", async () => {
    const cwd = join(E.root, "withdotenv");
    mkdirSync(cwd);
    writeFileSync(join(cwd, ".env"), `CLAUDERON_HOME=${join(E.root, "hijacked")}\n`);
    writeFileSync(join(cwd, "bunfig.toml"), 'preload = ["./nope.ts"]\n');
    const p = Bun.spawnSync([BIN, "config", "path"], { cwd, env: E.env, stdout: "pipe", stderr: "pipe" });
    expect(p.exitCode).toBe(0);
    expect(p.stdout.toString().trim()).toBe(join(E.home, "config.toml"));
  });

  test("every command and subcommand has plain help (exit 0, no ANSI, names the program)", async () => {
    const commands = ["create", "list", "status", "inspect", "logs", "attach", "start", "stop", "recreate", "cleanup", "delete", "reconcile", "daemon", "tui", "timer", "config"];
    const main = (await E.run(["--help"])).stdout;
    const listed = [...main.matchAll(/^  ([a-z]+)  /gm)].map((m) => m[1]);
    expect(listed).toEqual(commands);
    const all = [...commands.filter((c) => c !== "timer" && c !== "config").map((c) => [c]), ...["print", "install", "uninstall"].map((x) => ["timer", x]), ...["show", "path", "validate"].map((x) => ["config", x])];
    for (const argv of all) {
      const r = await E.run([...argv, "--help"]);
      expect({ argv, code: r.code }).toEqual({ argv, code: 0 });
      expect(r.stdout).toContain(`USAGE clauderon ${argv.join(" ")}`);
      expect(r.stdout).not.toContain("\x1b[");
    }
    expect((await E.run(["timer"])).code).toBe(2);
    expect((await E.run(["config", "nope"])).code).toBe(2);
  });

  test("--version, bare help, unknown command", async () => {
    expect((await E.run(["--version"])).stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    const h = await E.run(["--help"]);
    expect(h.code).toBe(0);
    expect(h.stdout).toContain("reconcile");
    expect((await E.run([])).code).toBe(2);
    const u = await E.run(["nope"]);
    expect(u.code).toBe(2);
    expect(u.stderr).toContain('unknown command "nope"');
  });

  test("a manual action that fails on a backend error leaves a truthful record", async () => {
    docker("tag", "localtest/busybox:latest", "localtest/manual:1");
    expect((await E.run(["create", "man", "--repo", join(E.root, "repo"), "--image", "localtest/manual:1"])).code).toBe(0);
    docker("kill", "clauderon-man");
    docker("rm", "-f", "clauderon-man");
    docker("rmi", "localtest/manual:1");
    const r = await E.run(["recreate", "man"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("localtest/manual:1");
    const st = (await E.run(["status", "man", "--json"])).json();
    expect(st.health.state).toBe("Missing");
    expect(st.lastError.action).toBe("recreate");
    expect(st.lastError.message).toContain("localtest/manual:1");
    expect(sessionFile(E.home, "man").operation).toBeNull();
  });

  test("delete is cleanup", async () => {
    const r = await E.run(["delete", "man", "--yes", "--json"]);
    expect(r.code).toBe(0);
    expect(r.json()).toMatchObject({ name: "man", removed: true });
    expect(existsSync(join(E.home, "sessions", "man.json"))).toBe(false);
  });

  test("an interrupted create is not Pending forever: Error (interrupted), and cleanup removes it", async () => {
    expect((await E.run(["create", "intr", "--repo", join(E.root, "repo")])).code).toBe(0);
    const f = join(E.home, "sessions", "intr.json");
    const s = sessionFile(E.home, "intr");
    s.operation = { kind: "create", pid: 999999, startedAt: new Date().toISOString() };
    writeFileSync(f, JSON.stringify(s));
    const st = (await E.run(["status", "intr", "--json"])).json();
    expect(st.health.state).toBe("Error");
    expect(st.health.description).toContain("interrupted");
    expect((await E.run(["cleanup", "intr", "--yes"])).code).toBe(0);
  });

  const nothingLeft = (name: string) => {
    expect(existsSync(join(E.home, "sessions", `${name}.json`))).toBe(false);
    expect(existsSync(join(E.home, "workspaces", name))).toBe(false);
    expect(existsSync(join(E.home, "history", name))).toBe(false);
    expect(readdirSync(join(E.home, "workspaces")).filter((f) => f.startsWith(`.tmp-${name}-`))).toEqual([]);
    expect(Bun.spawnSync(["docker", "inspect", `clauderon-${name}`]).exitCode).not.toBe(0);
  };

  test("SIGTERM (or Ctrl-C) during create removes everything it made", async () => {
    const p = Bun.spawn([BIN, "create", "cancel", "--repo", join(E.root, "repo")], { env: E.env, stdout: "ignore", stderr: "pipe" });
    await waitFor("create under way", () => readdirSync(join(E.home, "workspaces")).some((f) => f.startsWith(".tmp-cancel-") || f === "cancel"), 10_000, 1);
    p.kill("SIGTERM");
    const code = await p.exited;
    if (code === 0) {
      // it had already finished: a complete session, removed normally
      expect((await E.run(["cleanup", "cancel", "--yes"])).code).toBe(0);
    } else {
      expect(code).toBe(143);
      expect(await new Response(p.stderr).text()).toContain("cancelled");
    }
    nothingLeft("cancel");
  });

  test("cleanup of a Pending creation cancels it", async () => {
    const p = Bun.spawn([BIN, "create", "pend", "--repo", join(E.root, "repo")], { env: E.env, stdout: "ignore", stderr: "ignore" });
    await waitFor("session file written", () => existsSync(join(E.home, "sessions", "pend.json")), 10_000, 1);
    const r = await E.run(["cleanup", "pend", "--yes"]);
    expect(r.code).toBe(0);
    await p.exited;
    nothingLeft("pend");
  });

  test("commits ahead of the base show in inspect and make cleanup ask", async () => {
    expect((await E.run(["create", "ahead", "--repo", join(E.root, "repo")])).code).toBe(0);
    const ws = join(E.home, "workspaces", "ahead");
    writeFileSync(join(ws, "feature.txt"), "done\n");
    sh(["git", "add", "feature.txt"], ws);
    sh(["git", "commit", "-q", "-m", "feature"], ws);
    const i = (await E.run(["inspect", "ahead", "--json"])).json();
    expect(i.git).toMatchObject({ ahead: 1, dirty: [], branch: "clauderon/ahead" });
    expect(i.git.atRisk).toEqual(["1 commit(s) ahead of the base commit"]);
    const r = await E.run(["cleanup", "ahead"]);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain("1 commit(s) ahead");
  });

  test("recreate --fresh of a broken clone keeps it whole in the backup and clones again", async () => {
    const ws = join(E.home, "workspaces", "ahead");
    rmSync(join(ws, ".git", "HEAD"));
    docker("kill", "clauderon-ahead");
    const r = await E.run(["recreate", "ahead", "--fresh", "--json"]);
    expect(r.code).toBe(0);
    const out = r.json();
    expect(out.health.state).toBe("Healthy");
    expect(existsSync(join(out.backup, "workspace", "feature.txt"))).toBe(true);
    expect(existsSync(join(ws, "feature.txt"))).toBe(false);
    expect(existsSync(join(ws, "src.txt"))).toBe(true);
    expect(sh(["git", "rev-parse", "--abbrev-ref", "HEAD"], ws).trim()).toBe("clauderon/ahead");
    expect((await E.run(["cleanup", "ahead", "--yes"])).code).toBe(0);
  });

  test("a corrupt session file is reported and does not hide the others", async () => {
    expect((await E.run(["create", "fine", "--repo", join(E.root, "repo")])).code).toBe(0);
    writeFileSync(join(E.home, "sessions", "broken.json"), "{ half");
    const l = await E.run(["list", "--json"]);
    expect(l.code).toBe(1);
    expect(l.json().sessions.map((s: any) => s.name)).toEqual(["fine"]);
    expect(l.json().corrupt[0].name).toBe("broken");
    const st = await E.run(["status", "broken"]);
    expect(st.code).toBe(1);
    expect(st.stderr).toContain("not valid JSON");
    rmSync(join(E.home, "sessions", "broken.json"));
  });

  test("reconcile --watch runs passes until SIGTERM and ends cleanly", async () => {
    const p = Bun.spawn([BIN, "reconcile", "--watch", "--json"], { env: E.env, stdout: "pipe", stderr: "pipe" });
    const reader = p.stdout.getReader();
    let text = "";
    await waitFor("first pass", async () => {
      const { value } = await reader.read();
      text += new TextDecoder().decode(value);
      return text.includes("\n");
    });
    expect(JSON.parse(text.split("\n")[0]!).sessions.map((s: any) => s.name)).toContain("fine");
    const t0 = Date.now();
    p.kill("SIGTERM");
    expect(await p.exited).toBe(0);
    expect(Date.now() - t0).toBeLessThan(5000);
  });
});

describe("speed: one status over many sessions makes a constant number of backend calls", () => {
  let E: Env;
  let proxy: ReturnType<typeof Bun.serve>;
  const calls: string[] = [];
  beforeAll(async () => {
    E = await makeEnv();
    // a counting proxy in front of the real engine
    const sock = join(E.root, "count.sock");
    proxy = engineProxy({ unix: sock }, (method, path) => calls.push(`${method} ${path.replace(/^\/v[\d.]+/, "")}`));
    E.env.DOCKER_HOST = `unix://${sock}`;
  });
  afterAll(async () => {
    proxy.stop(true);
    await E.cleanup();
  });

  test("DOCKER_HOST=tcp://host:port works (through a loopback TCP proxy to the engine)", async () => {
    const tcp = engineProxy({ port: 0 });
    try {
      const env = { DOCKER_HOST: `tcp://127.0.0.1:${tcp.port}` };
      const r = await E.run(["create", "viatcp", "--repo", join(E.root, "repo"), "--json"], { env });
      expect(r.code).toBe(0);
      expect(sessionFile(E.home, "viatcp").endpoint.dockerHost).toBe(`tcp://127.0.0.1:${tcp.port}`);
      expect((await E.run(["status", "viatcp", "--json"], { env })).json().health.state).toBe("Healthy");
      expect((await E.run(["cleanup", "viatcp", "--yes"], { env })).code).toBe(0);
    } finally {
      tcp.stop(true);
    }
  });

  test("6 sessions (4 running, 2 stopped): 1 ping, 1 info, 1 list, 1 inspect per non-running container", async () => {
    for (const n of ["c1", "c2", "c3", "c4", "c5", "c6"]) expect((await E.run(["create", n, "--repo", join(E.root, "repo")])).code).toBe(0);
    for (const n of ["c5", "c6"]) expect((await E.run(["stop", n])).code).toBe(0);
    // wait until the running ones are no longer "young" (started 10 s ago)
    await waitFor("containers older than 10 s", () => docker("ps", "--filter", "label=clauderon.session=c4", "--format", "{{.Status}}").match(/Up (\d+) seconds/)?.[1] !== undefined && Number(docker("ps", "--filter", "label=clauderon.session=c4", "--format", "{{.Status}}").match(/Up (\d+) seconds/)![1]) >= 11, 30_000, 250);
    calls.length = 0;
    const r = await E.run(["status", "--json"]);
    expect(r.code).toBe(0);
    expect(r.json().sessions.map((s: any) => s.health.state)).toEqual(["Healthy", "Healthy", "Healthy", "Healthy", "Stopped", "Stopped"]);
    const count = (prefix: string) => calls.filter((c) => c.startsWith(prefix)).length;
    expect(count("GET /_ping")).toBe(1);
    expect(count("GET /info")).toBe(1);
    expect(count("GET /containers/json")).toBe(1);
    expect(calls.filter((c) => /^GET \/containers\/[^/]+\/json$/.test(c) && !c.startsWith("GET /containers/json")).length).toBe(2);
    expect(calls.length).toBe(5);
  }, 90_000);
});
