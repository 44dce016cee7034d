import { describe, expect, test } from "bun:test";
import { defaults, parseConfig } from "../../src/config/config";
import { ClauderonError } from "../../src/core/errors";

const err = (text: string): ClauderonError => {
  try {
    parseConfig(text, "/x/config.toml");
  } catch (e) {
    return e as ClauderonError;
  }
  throw new Error("expected an error");
};

describe("config", () => {
  test("every key has a default", () => {
    const c = defaults();
    expect(c.feature_flags.reconcile_on_startup).toBe(true);
    expect(c.reconciliation).toEqual({ initial_delay: 30, backoff_multiplier: 4, max_attempts: 3, max_delay: 300, verify_after: 10 });
    expect(c.health).toEqual({ check_interval: 60, check_timeout: 10, background_checks: false });
  });
  test("the product page's example is accepted", () => {
    const c = parseConfig(
      "[feature_flags]\nreconcile_on_startup = true\n[reconciliation]\ninitial_delay = 30\nbackoff_multiplier = 2.0\nmax_attempts = 3\nmax_delay = 300\n[health]\ncheck_interval = 60\ncheck_timeout = 10\nbackground_checks = false\n",
      "f",
    );
    expect(c.reconciliation.backoff_multiplier).toBe(2);
  });
  test("wrong type names file, line, key and what is expected; exit 2", () => {
    const e = err("[reconciliation]\ninitial_delay = 30\nmax_attempts = \"three\"\n");
    expect(e.exitCode).toBe(2);
    expect(e.message).toContain("/x/config.toml:3");
    expect(e.message).toContain("max_attempts");
    expect(e.message).toContain("a whole number >= 1");
    expect(e.message).toContain('"three"');
  });
  test("out of range", () => {
    expect(err("[reconciliation]\nmax_attempts = 0\n").message).toContain(":2: [reconciliation] max_attempts: expected a whole number >= 1, got 0");
    expect(err("[health]\ncheck_timeout = 0\n").message).toContain("check_timeout: expected a number > 0");
    expect(err("[reconciliation]\nbackoff_multiplier = 0.5\n").message).toContain("backoff_multiplier");
  });
  test("unknown key and section", () => {
    expect(err("[health]\ncheck_intervall = 5\n").message).toContain(':2: unknown key "check_intervall" in [health]; allowed keys: check_interval');
    expect(err("[nope]\nx = 1\n").message).toContain(":1: unknown section [nope]");
  });
  test("bool and list types", () => {
    expect(err("[health]\nbackground_checks = \"yes\"\n").message).toContain("expected true or false");
    expect(err("[agent]\ncommand = \"claude\"\n").message).toContain("expected a non-empty list of strings");
    expect(err("[docker]\npull = \"sometimes\"\n").message).toContain('one of "if-not-present", "never", "always"');
  });
  test("TOML syntax error with line and column", () => {
    const e = err("[health]\ncheck_interval = = 5\n");
    expect(e.exitCode).toBe(2);
    expect(e.message).toMatch(/config\.toml:2:\d+: TOML syntax error/);
  });
});
