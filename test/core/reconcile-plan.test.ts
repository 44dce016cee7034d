import { describe, expect, test } from "bun:test";
import { freshTracking, passExitCode, planSession, type PlanInput, type Tracking } from "../../src/core/reconcile-plan";
import { STATES, type State } from "../../src/core/states";

const T0 = Date.parse("2026-12-04T10:00:00Z");
const S = { initial_delay: 30, backoff_multiplier: 4, max_attempts: 3, max_delay: 300 };
const iso = (t: number) => new Date(t).toISOString();
const tr = (t: Partial<Tracking> = {}): Tracking => ({ ...freshTracking("h"), ...t });
const input = (i: Partial<PlanInput>): PlanInput => ({
  state: "Error",
  stale: false,
  busy: false,
  interrupted: false,
  cloneExists: true,
  deletionAcknowledged: false,
  tracking: tr(),
  specHash: "h",
  settings: S,
  now: T0,
  skipWait: false,
  ...i,
});

describe("strategy by state (first sighting)", () => {
  const want: Record<State, string> = {
    Healthy: "none",
    Stopped: "none",
    Pending: "busy",
    Error: "wait",
    CrashLoop: "wait",
    Missing: "wait",
    DeletedExternally: "mark-missing",
  };
  for (const s of STATES) test(`${s} → ${want[s]}`, () => expect(planSession(input({ state: s })).action).toBe(want[s] as never));

  const due: Record<string, string> = { Error: "recreate", Missing: "recreate", DeletedExternally: "recreate", CrashLoop: "recreate-fresh" };
  for (const [s, a] of Object.entries(due)) {
    test(`${s} once the first delay has passed → ${a}`, () => {
      const p = planSession(input({ state: s as State, tracking: tr({ problemSince: iso(T0 - 30_000) }) }));
      expect(p.action).toBe(a as never);
      expect(p.tracking.attempts).toBe(1);
    });
  }
  test("DeletedExternally is acknowledged (marked Missing) before acting", () => {
    expect(planSession(input({ state: "DeletedExternally" })).acknowledgeDeletion).toBe(true);
    expect(planSession(input({ state: "DeletedExternally", deletionAcknowledged: true })).acknowledgeDeletion).toBe(false);
  });
});

describe("backoff over time", () => {
  test("the full schedule: first seen, 30 s, then 2 min, then 5 min, then give up", () => {
    let t = tr();
    const step = (now: number) => {
      const p = planSession(input({ tracking: t, now }));
      t = p.tracking;
      return p.action;
    };
    expect(step(T0)).toBe("wait");
    expect(t.nextAttemptAt).toBe(iso(T0 + 30_000));
    expect(step(T0 + 29_999)).toBe("wait");
    expect(step(T0 + 30_000)).toBe("recreate");
    expect(t.attempts).toBe(1);
    expect(t.nextAttemptAt).toBe(iso(T0 + 30_000 + 120_000));
    expect(step(T0 + 30_000 + 119_000)).toBe("wait");
    expect(step(T0 + 150_000)).toBe("recreate");
    expect(t.attempts).toBe(2);
    expect(step(T0 + 150_000 + 299_000)).toBe("wait");
    expect(step(T0 + 450_000)).toBe("recreate");
    expect(t.attempts).toBe(3);
    expect(t.nextAttemptAt).toBeNull();
    expect(step(T0 + 10_000_000)).toBe("give-up");
    expect(t.gaveUp).toBe(true);
    expect(step(T0 + 20_000_000)).toBe("give-up");
    expect(t.attempts).toBe(3);
  });
  test("--now skips the wait but still counts the attempt", () => {
    const p = planSession(input({ skipWait: true }));
    expect(p.action).toBe("recreate");
    expect(p.tracking.attempts).toBe(1);
  });
  test("--now does not revive a session that gave up", () => {
    expect(planSession(input({ skipWait: true, tracking: tr({ attempts: 3, gaveUp: true }) })).action).toBe("give-up");
  });
  test("a changed session config starts the tracking fresh", () => {
    const p = planSession(input({ tracking: tr({ attempts: 3, gaveUp: true, specHash: "old" }), specHash: "new" }));
    expect(p.action).toBe("wait");
    expect(p.tracking.attempts).toBe(0);
    expect(p.tracking.specHash).toBe("new");
  });
});

describe("healthy sessions and the stable period (2 × max_delay)", () => {
  test("healthy with no tracking: nothing", () => {
    const p = planSession(input({ state: "Healthy" }));
    expect(p.action).toBe("none");
    expect(p.tracking.attempts).toBe(0);
  });
  test("healthy but not yet stable: attempts are kept", () => {
    const p = planSession(input({ state: "Healthy", startedAt: T0 - 599_000, tracking: tr({ attempts: 2, lastAttemptAt: iso(T0 - 599_000) }) }));
    expect(p.tracking.attempts).toBe(2);
  });
  test("healthy for 10 min since start: tracking resets", () => {
    const p = planSession(input({ state: "Healthy", startedAt: T0 - 600_000, tracking: tr({ attempts: 2 }) }));
    expect(p.tracking.attempts).toBe(0);
  });
  test("a session that keeps coming back and dying still reaches the limit", () => {
    let t = tr();
    let now = T0;
    for (let i = 0; i < 10 && !t.gaveUp; i++) {
      // it dies: plan until an attempt happens
      for (;;) {
        const p = planSession(input({ tracking: t, now }));
        t = p.tracking;
        if (p.action !== "wait") break;
        now = Date.parse(t.nextAttemptAt!);
      }
      if (t.gaveUp) break;
      // comes back healthy for one minute
      now += 60_000;
      t = planSession(input({ state: "Healthy", startedAt: now - 60_000, tracking: t, now })).tracking;
    }
    expect(t.gaveUp).toBe(true);
    expect(t.attempts).toBe(3);
  });
});

describe("special cases", () => {
  test("stale: nothing acts, tracking unchanged", () => {
    const t = tr({ attempts: 1 });
    const p = planSession(input({ stale: true, tracking: t, now: T0 + 1e9 }));
    expect(p.action).toBe("none");
    expect(p.tracking).toEqual(t);
  });
  test("busy: another process holds the lock", () => expect(planSession(input({ busy: true })).action).toBe("busy"));
  test("Missing without a clone needs a person", () => expect(planSession(input({ state: "Missing", cloneExists: false })).action).toBe("needs-person"));
  test("Error without a clone needs a person", () => expect(planSession(input({ state: "Error", cloneExists: false })).action).toBe("needs-person"));
  test("CrashLoop without a clone can still recreate fresh (re-clone)", () => {
    expect(planSession(input({ state: "CrashLoop", cloneExists: false, skipWait: true })).action).toBe("recreate-fresh");
  });
  test("never two unattended fresh recreates without a stable period", () => {
    const p = planSession(input({ state: "CrashLoop", skipWait: true, tracking: tr({ attempts: 1, lastFreshAt: iso(T0 - 60_000), lastAttemptAt: iso(T0 - 60_000) }) }));
    expect(p.action).toBe("needs-person");
    const q = planSession(input({ state: "CrashLoop", skipWait: true }));
    expect(q.tracking.lastFreshAt).toBe(iso(T0));
  });
  test("an interrupted operation is completed at once, as the same attempt", () => {
    const p = planSession(input({ state: "Error", interrupted: true, tracking: tr({ attempts: 2, lastAttemptAt: iso(T0 - 1000), problemSince: iso(T0 - 9000) }) }));
    expect(p.action).toBe("recreate");
    expect(p.tracking.attempts).toBe(2);
  });
  test("Stopped is left alone whatever the tracking", () => {
    expect(planSession(input({ state: "Stopped", tracking: tr({ attempts: 2 }) })).action).toBe("none");
  });
});

test("pass exit code precedence 1 > 6 > 5 > 0", () => {
  expect(passExitCode([])).toBe(0);
  expect(passExitCode(["settled"])).toBe(0);
  expect(passExitCode(["settled", "waiting"])).toBe(5);
  expect(passExitCode(["waiting", "gave-up"])).toBe(6);
  expect(passExitCode(["gave-up", "unreachable", "waiting"])).toBe(1);
});
