import { describe, expect, test } from "bun:test";
import { deriveDocker, deriveZellij, toHealth, type ContainerObservation, type SessionFacts, type ZellijObservation } from "../../src/core/health";
import { STATES, STATE_INFO } from "../../src/core/states";

const NOW = Date.parse("2026-12-04T10:00:00Z");
const facts = (f: Partial<SessionFacts> = {}): SessionFacts => ({ seen: true, removedByUs: false, deletionAcknowledged: false, stoppedByUs: false, ...f });
const ctr = (c: Partial<ContainerObservation> = {}): ContainerObservation => ({
  id: "abc",
  status: "running",
  exitCode: 0,
  oomKilled: false,
  error: "",
  startedAt: NOW - 3600_000,
  finishedAt: undefined,
  restartCount: 0,
  restartPolicy: { name: "on-failure", maximumRetryCount: 3 },
  ...c,
});
const exited = (code: number, c: Partial<ContainerObservation> = {}) =>
  ctr({ status: "exited", exitCode: code, startedAt: NOW - 120_000, finishedAt: NOW - 60_000, ...c });

describe("docker observation → state (ordered rules)", () => {
  const cases: [string, ContainerObservation | undefined, Partial<SessionFacts>, string][] = [
    ["1. live operation → Pending", ctr(), { operation: { kind: "create", live: true, startedAt: "x" } }, "Pending"],
    ["1. interrupted operation → Error", ctr(), { operation: { kind: "recreate", live: false, startedAt: "x" } }, "Error"],
    ["1. operation wins over not-found", undefined, { operation: { kind: "create", live: true, startedAt: "x" } }, "Pending"],
    ["2. not found, seen, not removed by us → DeletedExternally", undefined, {}, "DeletedExternally"],
    ["2. not found, never seen → Missing", undefined, { seen: false }, "Missing"],
    ["2. not found, removed by us → Missing", undefined, { removedByUs: true }, "Missing"],
    ["2. external deletion acknowledged → Missing", undefined, { deletionAcknowledged: true }, "Missing"],
    ["3. OOM with exit 137 → Error", exited(137, { oomKilled: true }), {}, "Error"],
    ["3. OOM with exit 0 → Error", exited(0, { oomKilled: true }), {}, "Error"],
    ["3. OOM beats the restart budget rule", exited(1, { oomKilled: true, restartCount: 3, startedAt: NOW - 2000, finishedAt: NOW - 1000 }), {}, "Error"],
    ["4. restarting → CrashLoop", ctr({ status: "restarting", restartCount: 1 }), {}, "CrashLoop"],
    ["4. running, young, RestartCount 2 → CrashLoop", ctr({ startedAt: NOW - 3000, restartCount: 2 }), {}, "CrashLoop"],
    ["4. budget used up, last run young → CrashLoop", exited(1, { restartCount: 3, startedAt: NOW - 2000, finishedAt: NOW - 1900 }), {}, "CrashLoop"],
    ["5. running, young, RestartCount 1 → Healthy", ctr({ startedAt: NOW - 3000, restartCount: 1 }), {}, "Healthy"],
    ["5. running long after many restarts → Healthy", ctr({ startedAt: NOW - 60_000, restartCount: 7 }), {}, "Healthy"],
    ["5. running, restart count unknown (list only) → Healthy", ctr({ restartCount: undefined }), {}, "Healthy"],
    ["6. exited 0 → Stopped", exited(0), {}, "Stopped"],
    ["6. exited 143 (SIGTERM) → Stopped", exited(143), {}, "Stopped"],
    ["6. stopped by clauderon with 137 → Stopped", exited(137), { stoppedByUs: true }, "Stopped"],
    ["6. paused → Stopped", ctr({ status: "paused" }), {}, "Stopped"],
    ["7. exited 1 → Error", exited(1), {}, "Error"],
    ["7. exited 137 (docker kill) → Error", exited(137), {}, "Error"],
    ["7. budget used up but last run long → Error", exited(1, { restartCount: 3, startedAt: NOW - 100_000, finishedAt: NOW - 50_000 }), {}, "Error"],
    ["7. budget not used up → Error", exited(1, { restartCount: 1, startedAt: NOW - 2000, finishedAt: NOW - 1900 }), {}, "Error"],
    ["7. policy 'no' with restarts → Error", exited(1, { restartCount: 5, restartPolicy: { name: "no", maximumRetryCount: 0 }, startedAt: NOW - 2000, finishedAt: NOW - 1900 }), {}, "Error"],
    ["7. dead → Error", ctr({ status: "dead" }), {}, "Error"],
    ["7. created, never started → Error", ctr({ status: "created", startedAt: undefined, error: "OCI runtime create failed" }), {}, "Error"],
    ["7. removing → Error", ctr({ status: "removing" }), {}, "Error"],
  ];
  for (const [name, c, f, want] of cases) {
    test(name, () => expect(deriveDocker(c, facts(f), NOW).state).toBe(want as never));
  }

  test("details carry exit code, OOM and engine error", () => {
    const d = deriveDocker(ctr({ status: "created", exitCode: 127, error: "exec: not found", startedAt: undefined }), facts(), NOW);
    expect(d.details).toMatchObject({ exitCode: 127, error: "exec: not found", containerStatus: "created", oomKilled: false });
    const k = deriveDocker(exited(137), facts(), NOW);
    expect(k.description).toContain("137");
    expect(k.details.exitCode).toBe(137);
    expect(deriveDocker(exited(0, { oomKilled: true }), facts(), NOW).details.oomKilled).toBe(true);
  });

  test("interrupted operation says so", () => {
    const d = deriveDocker(undefined, facts({ operation: { kind: "create", live: false, startedAt: "2026-12-04T09:00:00Z" } }), NOW);
    expect(d.details.interrupted).toBe(true);
    expect(d.description).toContain("interrupted");
  });
});

describe("zellij observation → state", () => {
  const cases: [string, ZellijObservation, Partial<SessionFacts>, string][] = [
    ["live operation → Pending", { listed: true, exited: false, pane: { running: true } }, { operation: { kind: "create", live: true, startedAt: "x" } }, "Pending"],
    ["not listed, seen → DeletedExternally", { listed: false }, {}, "DeletedExternally"],
    ["not listed, never seen → Missing", { listed: false }, { seen: false }, "Missing"],
    ["not listed, acknowledged → Missing", { listed: false }, { deletionAcknowledged: true }, "Missing"],
    ["live, agent running → Healthy", { listed: true, exited: false, pane: { running: true } }, {}, "Healthy"],
    ["agent exited 0 → Stopped", { listed: true, exited: false, pane: { running: false, exitStatus: 0 } }, {}, "Stopped"],
    ["agent exited 2 → Error", { listed: true, exited: false, pane: { running: false, exitStatus: 2 } }, {}, "Error"],
    ["agent exit unknown → Error", { listed: true, exited: false, pane: { running: false, exitStatus: null } }, {}, "Error"],
    ["agent pane gone → Error", { listed: true, exited: false, pane: { missing: true } }, {}, "Error"],
    ["EXITED (resurrectable) → Error", { listed: true, exited: true }, {}, "Error"],
  ];
  for (const [name, z, f, want] of cases) test(name, () => expect(deriveZellij(z, facts(f)).state).toBe(want as never));
  test("exit status in details", () => {
    expect(deriveZellij({ listed: true, exited: false, pane: { running: false, exitStatus: 2 } }, facts()).details.exitStatus).toBe(2);
  });
});

describe("toHealth", () => {
  test("every state has description, recoverable and recovery as the product page says", () => {
    const recovery = { Healthy: "n/a", Stopped: "yes", Pending: "wait", Error: "yes", CrashLoop: "maybe", Missing: "yes", DeletedExternally: "yes" };
    for (const s of STATES) {
      const h = toHealth({ state: s, description: "d", details: {} }, "docker", true);
      expect(h.recovery).toBe(recovery[s] as never);
      expect(h.recoverable).toBe(s !== "Healthy" && s !== "Pending");
      expect(STATE_INFO[s].summary.length).toBeGreaterThan(0);
      expect(h.stale).toBe(false);
    }
  });
  test("stale health offers no actions and carries the error", () => {
    const h = toHealth({ state: "Healthy", description: "d", details: {} }, "docker", true, { error: "engine down" });
    expect(h).toMatchObject({ stale: true, error: "engine down", actions: [] });
  });
});
