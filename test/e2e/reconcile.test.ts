import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { resolvePaths } from "../../src/store/paths";
import { BIN, docker, dockerTry, makeEnv, sessionFile, snapshot, testConfig, waitFor, type Env } from "../support/harness";

const containersOf = (name: string) => dockerTry("ps", "-aq", "--filter", `label=clauderon.session=${name}`).out.split("\n").filter(Boolean);

describe("reconcile against the real engine (compiled binary)", () => {
  let E: Env;
  beforeAll(async () => {
    E = await makeEnv();
  });
  afterAll(async () => {
    dockerTry("rm", "-f", "clauderon-orphan-x", "foreign-x", "unlabelled-x");
    dockerTry("rmi", "localtest/doomed:1");
    await E.cleanup();
  });

  test("a deleted container comes back: DeletedExternally → mark-missing (event) → recreate → verified Healthy", async () => {
    expect((await E.run(["create", "back", "--repo", join(E.root, "repo")])).code).toBe(0);
    writeFileSync(join(E.home, "workspaces", "back", "wip.txt"), "work in progress\n");
    docker("rm", "-f", "clauderon-back");
    const first = await E.run(["reconcile", "back", "--json"]);
    expect(first.code).toBe(5);
    const e1 = first.json().sessions[0];
    expect(e1).toMatchObject({ name: "back", stateBefore: "DeletedExternally", action: "mark-missing", result: "skipped", stateAfter: "Missing" });
    expect(e1.nextAttemptAt).toBeString();
    expect((await E.run(["status", "back", "--json"])).json().health.state).toBe("Missing");
    const done = await waitFor("recovered", async () => {
      const r = await E.run(["reconcile", "back", "--json"]);
      return r.code === 0 && r.json().sessions[0].result === "ok" ? r : undefined;
    });
    expect(done.json().sessions[0]).toMatchObject({ action: "recreate", result: "ok", stateAfter: "Healthy", attempts: 1 });
    expect(readFileSync(join(E.home, "workspaces", "back", "wip.txt"), "utf8")).toBe("work in progress\n");
    const i = (await E.run(["inspect", "back", "--json"])).json();
    const types = i.events.map((e: any) => e.type);
    expect(types).toContain("deleted-externally");
    expect(types).toContain("reconcile-attempt");
    expect(types).toContain("reconcile-ok");
    expect(i.reconcile).toMatchObject({ attempts: 1, maxAttempts: 3, gaveUp: false, lastError: null });
  });

  test("--dry-run prints the plan and changes nothing (files byte-identical, container still gone)", async () => {
    docker("rm", "-f", "clauderon-back");
    const before = snapshot(E.home);
    const r = await E.run(["reconcile", "--dry-run", "--now", "--json"]);
    expect(r.json().sessions.find((s: any) => s.name === "back").action).toBe("recreate");
    const h = await E.run(["reconcile", "--dry-run"]);
    expect(h.stdout).toContain("dry run");
    expect(snapshot(E.home)).toEqual(before);
    expect(containersOf("back")).toEqual([]);
  });

  test("two passes started together create exactly one container", async () => {
    const run = () => Bun.spawn([BIN, "reconcile", "--now"], { env: { ...E.env }, stdout: "pipe", stderr: "pipe" });
    const a = run();
    const b = run();
    const codes = await Promise.all([a.exited, b.exited]);
    expect(containersOf("back").length).toBe(1);
    expect(codes.sort()).toEqual(codes.includes(5) ? [0, 5] : [0, 0]);
    expect((await E.run(["status", "back", "--json"])).json().health.state).toBe("Healthy");
  });

  test("a pass killed with SIGKILL mid-recreate leaves valid files; the next pass finishes the job", async () => {
    expect((await E.run(["recreate", "back"])).code).toBe(0); // a manual action: tracking starts from zero
    expect(sessionFile(E.home, "back").reconcile.attempts).toBe(0);
    docker("rm", "-f", "clauderon-back");
    writeFileSync(join(E.home, "config.toml"), testConfig({ reconciliation: "initial_delay = 1\nbackoff_multiplier = 2\nmax_delay = 4\nverify_after = 5" }));
    const p = Bun.spawn([BIN, "reconcile", "back", "--now"], { env: { ...E.env }, stdout: "ignore", stderr: "ignore" });
    // the attempt is persisted before the recreate starts: kill right then, mid-recreate
    await waitFor("the attempt to start", () => sessionFile(E.home, "back").reconcile.attempts === 1, 20_000, 2);
    p.kill("SIGKILL");
    await p.exited;
    writeFileSync(join(E.home, "config.toml"), testConfig());
    const st = await E.run(["status", "back", "--json"]);
    expect(st.code).toBe(0);
    const after = await waitFor("healthy again", async () => {
      const r = await E.run(["reconcile", "back", "--now", "--json"]);
      return r.json().sessions[0].stateAfter === "Healthy" ? r : undefined;
    });
    expect(after.code).toBe(0);
    expect(containersOf("back").length).toBe(1);
    const s = sessionFile(E.home, "back");
    expect(s.operation).toBeNull();
    expect(s.reconcile.attempts).toBeLessThanOrEqual(2);
  });

  test("a Stopped session is left alone", async () => {
    expect((await E.run(["stop", "back"])).code).toBe(0);
    const r = await E.run(["reconcile", "--now", "--json"]);
    expect(r.code).toBe(0);
    expect(r.json().sessions.find((s: any) => s.name === "back")).toMatchObject({ action: "none", stateAfter: "Stopped" });
    expect(JSON.parse(docker("inspect", "clauderon-back"))[0].State.Status).toBe("exited");
    expect((await E.run(["start", "back"])).code).toBe(0);
  });

  test("an orphan is reported, never touched by reconcile, removed only by cleanup --orphans; foreign and unlabelled never", async () => {
    const hash = resolvePaths({ CLAUDERON_HOME: E.home }).homeHash;
    docker("run", "-d", "--name", "clauderon-orphan-x", "--label", "clauderon.managed=true", "--label", "clauderon.session=orphan-x", "--label", `clauderon.home=${hash}`, "localtest/busybox:latest", "sleep", "3600");
    docker("run", "-d", "--name", "foreign-x", "--label", "clauderon.managed=true", "--label", "clauderon.session=foreign-x", "--label", "clauderon.home=000000000000", "localtest/busybox:latest", "sleep", "3600");
    docker("run", "-d", "--name", "unlabelled-x", "localtest/busybox:latest", "sleep", "3600");
    const l = await E.run(["list", "--json"]);
    expect(l.json().orphans.map((o: any) => o.name)).toEqual(["clauderon-orphan-x"]);
    expect(l.json().foreign).toBeGreaterThanOrEqual(1);
    expect((await E.run(["list"])).stdout).toContain("clauderon-orphan-x");
    const st = (await E.run(["status", "--json"])).json();
    expect(st.orphans).toEqual([{ backend: "docker", id: expect.any(String), name: "clauderon-orphan-x" }]);
    const r = await E.run(["reconcile", "--now", "--json"]);
    expect(r.json().orphans.map((o: any) => o.name)).toEqual(["clauderon-orphan-x"]);
    expect(dockerTry("inspect", "clauderon-orphan-x").code).toBe(0);
    const refuse = await E.run(["cleanup", "--orphans"]);
    expect(refuse.code).toBe(3);
    expect(dockerTry("inspect", "clauderon-orphan-x").code).toBe(0);
    const ok = await E.run(["cleanup", "--orphans", "--yes", "--json"]);
    expect(ok.code).toBe(0);
    expect(dockerTry("inspect", "clauderon-orphan-x").code).not.toBe(0);
    expect(dockerTry("inspect", "foreign-x").code).toBe(0);
    expect(dockerTry("inspect", "unlabelled-x").code).toBe(0);
    expect(containersOf("back").length).toBe(1);
  });

  test("bare cleanup lists and removes leftovers: stray workspace/history dirs and interrupted temporary clones", async () => {
    mkdirSync(join(E.home, "workspaces", "stray"), { recursive: true });
    mkdirSync(join(E.home, "history", "stray"), { recursive: true });
    mkdirSync(join(E.home, "workspaces", ".tmp-dead-999999-abc123"), { recursive: true });
    const refuse = await E.run(["cleanup"]);
    expect(refuse.code).toBe(3);
    expect(refuse.stdout).toContain("stray");
    const ok = await E.run(["cleanup", "--yes"]);
    expect(ok.code).toBe(0);
    expect(existsSync(join(E.home, "workspaces", "stray"))).toBe(false);
    expect(existsSync(join(E.home, "history", "stray"))).toBe(false);
    expect(existsSync(join(E.home, "workspaces", ".tmp-dead-999999-abc123"))).toBe(false);
    expect(existsSync(join(E.home, "workspaces", "back"))).toBe(true);
  });

  test("an image that is gone: 3 failed attempts with the configured delays, then give up (exit 6); later passes do not touch it; a manual action resets it", async () => {
    docker("tag", "localtest/busybox:latest", "localtest/doomed:1");
    expect((await E.run(["create", "doomed", "--repo", join(E.root, "repo"), "--image", "localtest/doomed:1"])).code).toBe(0);
    docker("rm", "-f", "clauderon-doomed");
    docker("rmi", "localtest/doomed:1");
    const codes: number[] = [];
    const final = await waitFor(
      "give up",
      async () => {
        const r = await E.run(["reconcile", "doomed", "--json"]);
        codes.push(r.code);
        return r.code === 6 ? r : undefined;
      },
      40_000,
      200,
    );
    expect(codes.slice(0, -1).every((c) => c === 5)).toBe(true);
    const entry = final.json().sessions[0];
    expect(entry.action).toBe("give-up");
    expect(entry.attempts).toBe(3);
    expect(entry.error).toContain("localtest/doomed:1");
    const s = sessionFile(E.home, "doomed");
    expect(s.reconcile.gaveUp).toBe(true);
    const attempts = s.events.filter((e: any) => e.type === "reconcile-attempt").map((e: any) => Date.parse(e.at));
    const seen = Date.parse(s.events.find((e: any) => e.type === "deleted-externally").at);
    expect(attempts.length).toBe(3);
    // initial_delay 1, multiplier 2, max_delay 4 → 1 s, 2 s, 4 s
    expect(attempts[0]! - seen).toBeGreaterThanOrEqual(1000);
    expect(attempts[1]! - attempts[0]!).toBeGreaterThanOrEqual(2000);
    expect(attempts[2]! - attempts[1]!).toBeGreaterThanOrEqual(4000);
    expect(s.events.filter((e: any) => e.type === "give-up").length).toBe(1);
    const before = snapshot(E.home);
    const again = await E.run(["reconcile", "doomed", "--now", "--json"]);
    expect(again.code).toBe(6);
    expect(again.json().sessions[0]).toMatchObject({ action: "give-up", result: "skipped" });
    expect(snapshot(E.home)).toEqual(before);
    const st = await E.run(["status", "doomed"]);
    expect(st.stdout).toContain("3/3 attempts; last attempt at 20");
    expect(st.stdout).toContain("last error: image localtest/doomed:1");
    const insp = await E.run(["inspect", "doomed"]);
    expect(insp.stdout).toContain("3/3 attempts");
    expect(insp.stdout).toContain("give-up: reconcile gave up after 3 attempt(s)");
    expect(st.stdout).toContain("gave up");
    // a person fixes the image and recreates: tracking resets
    docker("tag", "localtest/busybox:latest", "localtest/doomed:1");
    expect((await E.run(["recreate", "doomed"])).code).toBe(0);
    expect(sessionFile(E.home, "doomed").reconcile).toMatchObject({ attempts: 0, gaveUp: false });
    expect((await E.run(["reconcile", "--json"])).code).toBe(0);
  });

  test("a container that starts and dies at once is a failed attempt; a crash loop gets one unattended fresh recreate, then needs a person", async () => {
    expect((await E.run(["create", "flap", "--repo", join(E.root, "repo"), "--", "sh", "-c", "echo flapping; exit 1"])).code).toBe(0);
    writeFileSync(join(E.home, "workspaces", "flap", "wip.txt"), "unsaved\n");
    await waitFor("CrashLoop", async () => (await E.run(["status", "flap", "--json"])).json().health.state === "CrashLoop", 20_000, 200);
    const entries: any[] = [];
    const last = await waitFor(
      "needs a person",
      async () => {
        const r = await E.run(["reconcile", "flap", "--json"]);
        entries.push(r.json().sessions[0]);
        return r.code === 6 ? r : undefined;
      },
      40_000,
      200,
    );
    const attempt = entries.find((e) => e.result !== "skipped");
    expect(attempt).toMatchObject({ stateBefore: "CrashLoop", action: "recreate-fresh", result: "failed" });
    expect(attempt.error).toMatch(/not Healthy|restarted/);
    expect(attempt.backup).toStartWith(join(E.home, "backups", "flap"));
    expect(last.json().sessions[0].action).toBe("needs-person");
    expect(entries.filter((e) => e.action === "recreate-fresh").length).toBe(1);
    expect(Bun.spawnSync(["tar", "-tf", join(attempt.backup, "untracked.tar")]).stdout.toString()).toContain("wip.txt");
    expect((await E.run(["cleanup", "flap", "--yes"])).code).toBe(0);
  });

  test("timer: systemd units carry the environment and pass systemd-analyze verify; cron line cannot overlap", async () => {
    const r = await E.run(["timer", "print", "--json", "--interval", "45"]);
    expect(r.code).toBe(0);
    const t = r.json();
    expect(t.service).toContain("Type=oneshot");
    expect(t.service).toContain(`ExecStart=${BIN} reconcile`);
    expect(t.service).toContain(`Environment="CLAUDERON_HOME=${E.home}"`);
    expect(t.service).toContain("Environment=\"DOCKER_HOST=");
    expect(t.service).toContain("ZELLIJ_SOCKET_DIR=");
    expect(t.timer).toContain("OnUnitActiveSec=45s");
    const def = (await E.run(["timer", "print", "--json"])).json();
    expect(def.timer).toContain("OnUnitActiveSec=1s");
    const cron = (await E.run(["timer", "print", "--cron"])).stdout;
    expect(cron).toMatch(/^\* \* \* \* \* .*flock -n .* reconcile/);
    if (Bun.which("systemd-analyze")) {
      const dir = join(E.root, "units");
      mkdirSync(dir);
      writeFileSync(join(dir, `${t.unitName}.service`), t.service);
      writeFileSync(join(dir, `${t.unitName}.timer`), t.timer);
      const v = Bun.spawnSync(["systemd-analyze", "verify", join(dir, `${t.unitName}.service`), join(dir, `${t.unitName}.timer`)], { stderr: "pipe" });
      expect(v.stderr.toString()).toBe("");
      expect(v.exitCode).toBe(0);
    }
    const inst = await E.run(["timer", "install", "--json"], { env: { XDG_CONFIG_HOME: join(E.root, "xdg") } });
    expect(inst.code).toBe(0);
    expect(existsSync(join(E.root, "xdg", "systemd", "user", `${t.unitName}.timer`))).toBe(true);
    expect(inst.json().enable).toContain("systemctl --user");
    expect((await E.run(["timer", "uninstall"], { env: { XDG_CONFIG_HOME: join(E.root, "xdg") } })).code).toBe(0);
    expect(existsSync(join(E.root, "xdg", "systemd", "user", `${t.unitName}.timer`))).toBe(false);
    expect((await E.run(["timer", "print", "--interval", "0"])).code).toBe(2);
  });
});
