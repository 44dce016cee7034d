import { describe, expect, test } from "bun:test";
import { ACTIONS, availableActions, type Action } from "../../src/core/actions";
import { PRESERVATION } from "../../src/core/preservation";
import { STATES, type State } from "../../src/core/states";

// The contract's table, written out independently: state → actions (docker, clone present).
const DOCKER: Record<State, Action[]> = {
  Healthy: ["stop", "recreate", "cleanup"],
  Stopped: ["start", "recreate", "cleanup"],
  Pending: ["cleanup"],
  Error: ["recreate", "recreate-fresh", "cleanup"],
  CrashLoop: ["recreate", "recreate-fresh", "cleanup"],
  Missing: ["recreate", "recreate-fresh", "cleanup"],
  DeletedExternally: ["recreate", "recreate-fresh", "cleanup"],
};

describe("available actions: every state × every action × backend × clone", () => {
  for (const state of STATES) {
    for (const action of ACTIONS) {
      for (const backend of ["docker", "zellij"] as const) {
        for (const cloneExists of [true, false]) {
          let want = DOCKER[state].includes(action);
          if (backend === "zellij" && (action === "start" || action === "stop")) want = false;
          if (action === "recreate" && !cloneExists) want = false;
          test(`${state} ${action} ${backend} clone=${cloneExists} → ${want}`, () => {
            const a = availableActions(state, { backend, cloneExists });
            expect(a.actions.includes(action)).toBe(want);
            if (action === "recreate" && !cloneExists && DOCKER[state].includes("recreate")) {
              expect(a.blocked.map((b) => b.action)).toContain("recreate");
              expect(a.blocked[0]!.reason).toContain("recreate --fresh");
            }
          });
        }
      }
    }
  }
  test("zellij Healthy and Stopped offer recreate and cleanup", () => {
    expect(availableActions("Healthy", { backend: "zellij", cloneExists: true }).actions).toEqual(["recreate", "cleanup"]);
    expect(availableActions("Stopped", { backend: "zellij", cloneExists: true }).actions).toEqual(["recreate", "cleanup"]);
  });
});

describe("data preservation", () => {
  test("matches the contract's table", () => {
    expect(PRESERVATION.start).toEqual({ git: "kept", uncommitted: "kept", chatHistory: "kept", config: "kept" });
    expect(PRESERVATION.recreate.uncommitted).toBe("kept (if the clone exists)");
    expect(PRESERVATION.recreate.chatHistory).toContain("resumed");
    expect(PRESERVATION["recreate-fresh"].git).toBe("kept (committed state only)");
    expect(PRESERVATION["recreate-fresh"].uncommitted).toContain("backup");
    expect(PRESERVATION["recreate-fresh"].chatHistory).toContain("new conversation");
    expect(Object.values(PRESERVATION.cleanup).every((v) => v === "removed")).toBe(true);
    for (const a of ACTIONS) expect(PRESERVATION[a].config).toBe(a === "cleanup" ? "removed" : "kept");
  });
});
