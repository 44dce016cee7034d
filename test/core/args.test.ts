import { expect, test } from "bun:test";
import type { ArgsDef } from "citty";
import { parseStrict } from "../../src/cli/args";

const def: ArgsDef = {
  name: { type: "positional", required: true },
  repo: { type: "string", required: true },
  backend: { type: "enum", options: ["docker", "zellij"], default: "docker" },
  env: { type: "string" },
  yes: { type: "boolean", alias: "y" },
};
const p = (argv: string[]) => parseStrict(argv, def, ["env"], "create");

test("values, defaults, aliases", () => {
  const r = p(["x", "--repo", "/r", "-y"]);
  expect(r.values).toMatchObject({ name: "x", repo: "/r", backend: "docker", yes: true });
  expect(p(["x", "--repo=/r"]).values.repo).toBe("/r");
});
test("repeated --env accumulates", () => expect(p(["x", "--repo", "r", "--env", "A=1", "--env=B=2"]).values.env).toEqual(["A=1", "B=2"]));
test("everything after -- is verbatim, --help included", () => {
  const r = p(["x", "--repo", "r", "--", "sh", "-c", "echo --help", "--yes"]);
  expect(r.rest).toEqual(["sh", "-c", "echo --help", "--yes"]);
  expect(r.help).toBe(false);
});
test("unknown flags are refused with exit 2", () => {
  expect(() => p(["x", "--repo", "r", "--frobnicate"])).toThrow(/unknown option --frobnicate for 'create'/);
  try {
    p(["x", "--repo", "r", "--nope"]);
  } catch (e) {
    expect((e as { exitCode: number }).exitCode).toBe(2);
  }
});
test("missing values and arguments", () => {
  expect(() => p(["x"])).toThrow(/--repo/);
  expect(() => p(["--repo", "r"])).toThrow(/missing argument <name>/);
  expect(() => p(["x", "--repo"])).toThrow(/needs a value/);
  expect(() => p(["x", "--repo", "r", "--backend", "k8s"])).toThrow(/allowed: docker, zellij/);
  expect(() => p(["x", "y", "--repo", "r"])).toThrow(/unexpected argument/);
  expect(() => p(["x", "--repo", "a", "--repo", "b"])).toThrow(/given twice/);
});
test("--help before -- asks for help", () => expect(p(["--help"]).help).toBe(true));
