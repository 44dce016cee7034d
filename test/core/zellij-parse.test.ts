import { describe, expect, test } from "bun:test";
import { agentLayout, agentPane, parseDuration, parseListSessions, parsePanes, parseVersion, versionAtLeast, type PaneEntry } from "../../src/backends/zellij/cli";

// Lines exactly as zellij 0.44.0 prints them (zellij-utils/src/sessions.rs print_sessions).
const PLAIN = "clauderon-a [Created 5m 3s ago] \nclauderon-b [Created 1h 2m 3s ago] (EXITED - attach to resurrect)\nmine [Created 3s ago] (current)\n";
const COLOR =
  "\x1b[32;1mclauderon-a\x1b[m [Created \x1b[35;1m5m 3s\x1b[m ago] \n\x1b[32;1mclauderon-b\x1b[m [Created \x1b[35;1m2days 1h\x1b[m ago] (\x1b[31;1mEXITED\x1b[m - attach to resurrect)\n";

describe("list-sessions parsing", () => {
  test("--no-formatting: live, EXITED and current sessions with ages", () => {
    expect(parseListSessions(PLAIN)).toEqual([
      { name: "clauderon-a", exited: false, ageSeconds: 303 },
      { name: "clauderon-b", exited: true, ageSeconds: 3723 },
      { name: "mine", exited: false, ageSeconds: 3 },
    ]);
  });
  test("with ANSI colours the result is the same", () => {
    const r = parseListSessions(COLOR);
    expect(r.map((x) => [x.name, x.exited])).toEqual([
      ["clauderon-a", false],
      ["clauderon-b", true],
    ]);
    expect(r[1]!.ageSeconds).toBe(2 * 86400 + 3600);
  });
  test("empty output and noise lines give nothing", () => {
    expect(parseListSessions("")).toEqual([]);
    expect(parseListSessions("No active zellij sessions found.\n")).toEqual([]);
  });
  test("durations parse loosely", () => {
    expect(parseDuration("0s")).toBe(0);
    expect(parseDuration("1m")).toBe(60);
    expect(parseDuration("1year 2months")).toBeGreaterThan(31557600);
    expect(parseDuration("soon")).toBeUndefined();
  });
});

describe("list-panes parsing and agent pane choice", () => {
  const pane = (p: Partial<PaneEntry>): PaneEntry => ({ id: 0, is_plugin: false, title: "x", exited: false, exit_status: null, is_held: false, ...p });
  test("the named clauderon pane wins; plugins are ignored", () => {
    const panes = [pane({ id: 1, is_plugin: true, title: "clauderon-agent" }), pane({ id: 2, title: "shell" }), pane({ id: 3, title: "clauderon-agent", terminal_command: "claude" })];
    expect(agentPane(panes)!.id).toBe(3);
  });
  test("falls back to the first terminal running a command", () => {
    expect(agentPane([pane({ id: 1 }), pane({ id: 2, terminal_command: "claude" })])!.id).toBe(2);
    expect(agentPane([pane({ id: 1, is_plugin: true })])).toBeUndefined();
  });
  test("parses the JSON array and refuses anything else", () => {
    expect(parsePanes(JSON.stringify([pane({ exited: true, exit_status: 2 })]))[0]!.exit_status).toBe(2);
    expect(() => parsePanes("{}")).toThrow();
    expect(() => parsePanes("garbage")).toThrow();
  });
});

test("version parsing and the 0.44.0 floor", () => {
  expect(parseVersion("zellij 0.44.0\n")).toBe("0.44.0");
  expect(versionAtLeast("0.44.0", "0.44.0")).toBe(true);
  expect(versionAtLeast("0.45.1", "0.44.0")).toBe(true);
  expect(versionAtLeast("1.0.0", "0.44.0")).toBe(true);
  expect(versionAtLeast("0.43.1", "0.44.0")).toBe(false);
});

test("layout: one held command pane in the workspace, strings escaped", () => {
  const l = agentLayout(["claude", "--continue", 'say "hi"'], "/ws/a b");
  expect(l).toContain('pane name="clauderon-agent" command="claude" cwd="/ws/a b" close_on_exit=false');
  expect(l).toContain('args "--continue" "say \\"hi\\""');
});
