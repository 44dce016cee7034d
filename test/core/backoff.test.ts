import { expect, test } from "bun:test";
import { delayBefore, formatSeconds, schedule } from "../../src/core/backoff";
import { defaults } from "../../src/config/config";

test("defaults give the product's schedule: 30 s, 2 min, 5 min", () => {
  expect(schedule(defaults().reconciliation)).toEqual([30, 120, 300]);
});
test("the product page's multiplier 2.0 gives 30 s, 1 min, 2 min", () => {
  expect(schedule({ initial_delay: 30, backoff_multiplier: 2, max_attempts: 3, max_delay: 300 })).toEqual([30, 60, 120]);
});
test("capped at max_delay", () => {
  expect(schedule({ initial_delay: 30, backoff_multiplier: 10, max_attempts: 4, max_delay: 300 })).toEqual([30, 300, 300, 300]);
});
test("attempt numbers start at 1", () => {
  expect(() => delayBefore(0, { initial_delay: 1, backoff_multiplier: 2, max_attempts: 3, max_delay: 9 })).toThrow();
});
test("formatting", () => {
  expect(formatSeconds(30)).toBe("30 s");
  expect(formatSeconds(120)).toBe("2 min");
  expect(formatSeconds(90)).toBe("1 min 30 s");
  expect(formatSeconds(3600)).toBe("1 h");
});
