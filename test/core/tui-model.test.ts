import { expect, test } from "bun:test";
import { toHealth } from "../../src/core/health";
import type { State } from "../../src/core/states";
import { initial, onKey, render, type Model, type Row } from "../../src/tui/model";

const row = (name: string, state: State): Row => ({
  name,
  backend: "docker",
  health: toHealth({ state, description: `${name} is ${state}`, details: { exitCode: 1 } }, "docker", true),
  tracking: { attempts: 1, maxAttempts: 3, nextAttemptAt: null, lastError: "boom", gaveUp: false },
});
const model = (): Model => ({ ...initial(), busy: false, message: "", rows: [row("a", "Healthy"), row("b", "Error")] });

test("moving the selection stays in range", () => {
  let m = model();
  m = onKey(m, "k").model;
  expect(m.selected).toBe(0);
  m = onKey(onKey(onKey(m, "j").model, "j").model, "\x1b[B").model;
  expect(m.selected).toBe(1);
});

test("h opens the health modal with the actions and what they keep; Esc closes", () => {
  let m = onKey(onKey(model(), "j").model, "h").model;
  expect(m.modal).toBe(true);
  const text = render(m, 160).join("\n");
  expect(text).toContain("health: b");
  expect(text).toContain("state: Error");
  expect(text).toContain("[r] recreate");
  expect(text).toContain("[f] recreate-fresh");
  expect(text).toContain("[c] cleanup");
  expect(text).not.toContain("[s] start");
  expect(text).toContain("reconcile: 1/3 attempts; last error: boom");
  m = onKey(m, "\x1b").model;
  expect(m.modal).toBe(false);
});

test("an action runs only if available; destructive ones ask first", () => {
  let m = onKey(onKey(model(), "j").model, "h").model;
  expect(onKey(m, "s").effect).toBeUndefined();
  expect(onKey(m, "s").model.message).toContain("not available");
  expect(onKey(m, "r").effect).toEqual({ kind: "run", action: "recreate", name: "b", force: false });
  m = onKey(m, "c").model;
  expect(m.confirm?.action).toBe("cleanup");
  expect(onKey(m, "n").effect).toBeUndefined();
  expect(onKey(m, "y").effect).toEqual({ kind: "run", action: "cleanup", name: "b", force: true });
  const f = onKey(onKey(onKey(model(), "j").model, "h").model, "f");
  expect(f.model.confirm?.question).toContain("backed up");
});

test("q and Ctrl-C quit; R refreshes", () => {
  expect(onKey(model(), "q").effect).toEqual({ kind: "quit" });
  expect(onKey(model(), "\x03").effect).toEqual({ kind: "quit" });
  expect(onKey(model(), "R").effect).toEqual({ kind: "refresh" });
});
