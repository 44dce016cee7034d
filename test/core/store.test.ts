import { afterEach, beforeEach, expect, test } from "bun:test";
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isLocked, tryLock } from "../../src/store/lock";
import { resolvePaths } from "../../src/store/paths";
import { freshTracking } from "../../src/core/reconcile-plan";
import type { Session } from "../../src/store/schema";
import { SessionStore } from "../../src/store/store";

let home: string;
let store: SessionStore;
beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), "clauderon-store-"));
  store = new SessionStore(resolvePaths({ CLAUDERON_HOME: home }));
});
afterEach(() => rmSync(home, { recursive: true, force: true }));

export const sampleSession = (name: string): Session => ({
  schema: 1,
  name,
  backend: "docker",
  createdAt: "2026-12-04T10:00:00.000Z",
  config: { repo: "/r", branch: null, workBranch: `clauderon/${name}`, baseCommit: "abc", image: "img", command: ["claude"], resumeArgs: ["--continue"], agent: "claude", env: { A: "1" } },
  endpoint: { dockerHost: "unix:///var/run/docker.sock", engineId: "E" },
  resource: { name: `clauderon-${name}`, id: null, seen: false, removedByUs: false, stoppedByUs: false, deletionAcknowledged: false },
  operation: null,
  lastKnown: null,
  lastError: null,
  reconcile: freshTracking(null),
  backups: [],
  previousLogs: null,
  events: [],
});

test("writes atomically with mode 0600 in a 0700 directory, and reads back", () => {
  store.write(sampleSession("a"));
  expect(store.read("a")?.name).toBe("a");
  expect(statSync(store.file("a")).mode & 0o777).toBe(0o600);
  expect(statSync(join(home, "sessions")).mode & 0o777).toBe(0o700);
  expect(readdirSync(join(home, "sessions"))).toEqual(["a.json"]);
});
test("a corrupt file is reported, never crashes the others", () => {
  store.write(sampleSession("good"));
  writeFileSync(join(home, "sessions", "bad.json"), "{ not json");
  writeFileSync(join(home, "sessions", "wrong.json"), JSON.stringify({ ...sampleSession("wrong"), backend: "k8s" }));
  const r = store.list();
  expect(r.sessions.map((s) => s.name)).toEqual(["good"]);
  expect(r.corrupt.map((c) => c.name).sort()).toEqual(["bad", "wrong"]);
  expect(r.corrupt.find((c) => c.name === "bad")!.error).toContain("not valid JSON");
  expect(r.corrupt.find((c) => c.name === "wrong")!.error).toContain("backend");
});
test("missing session → exit 4", () => {
  try {
    store.get("nope");
    throw new Error("no");
  } catch (e) {
    expect((e as { exitCode: number }).exitCode).toBe(4);
  }
});
test("flock: held locks are seen, released locks are free", () => {
  const p = join(home, "locks", "x.lock");
  const l = tryLock(p)!;
  expect(l).toBeDefined();
  expect(tryLock(p)).toBeUndefined();
  expect(isLocked(p)).toBe(true);
  l.release();
  expect(isLocked(p)).toBe(false);
});
test("a lock held by a process that dies is released by the kernel", async () => {
  const p = join(home, "locks", "y.lock");
  const child = Bun.spawn(["bun", "-e", `const {tryLock}=await import(${JSON.stringify(join(import.meta.dir, "../../src/store/lock.ts"))}); tryLock(${JSON.stringify(p)}); console.log("held"); await Bun.sleep(60000);`], { stdout: "pipe" });
  const reader = child.stdout.getReader();
  const { value } = await reader.read();
  expect(new TextDecoder().decode(value)).toContain("held");
  expect(isLocked(p)).toBe(true);
  child.kill("SIGKILL");
  await child.exited;
  expect(isLocked(p)).toBe(false);
});
