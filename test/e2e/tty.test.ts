import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { BIN, makeEnv, type Env } from "../support/harness";

/** Runs the binary on a real pseudo-terminal (util-linux `script`), answering prompts from stdin. */
async function onTty(E: Env, args: string[], answer = ""): Promise<{ code: number; out: string }> {
  const cmd = [BIN, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(" ");
  const p = Bun.spawn(["script", "-qec", cmd, "/dev/null"], {
    env: { ...E.env, TERM: "xterm" },
    stdin: new TextEncoder().encode(answer),
    stdout: "pipe",
    stderr: "pipe",
  });
  const [out, code] = await Promise.all([new Response(p.stdout).text(), p.exited]);
  return { code, out: out.replace(/\r/g, "") };
}

describe.if(!!Bun.which("script"))("on a terminal", () => {
  let E: Env;
  beforeAll(async () => {
    E = await makeEnv();
  });
  afterAll(async () => E.cleanup());

  test("create shows progress (clone, container); --json output stays clean", async () => {
    const r = await onTty(E, ["create", "tty", "--repo", join(E.root, "repo")]);
    expect(r.code).toBe(0);
    expect(r.out).toContain("cloning");
    expect(r.out).toContain("creating the container");
    const j = await onTty(E, ["status", "tty", "--json"]);
    expect(JSON.parse(j.out).health.state).toBe("Healthy");
  });

  test("recreate --fresh asks; 'n' changes nothing", async () => {
    writeFileSync(join(E.home, "workspaces", "tty", "wip.txt"), "x\n");
    const r = await onTty(E, ["recreate", "tty", "--fresh"], "n\n");
    expect(r.out).toContain("Go on? [y/N]");
    expect(r.code).toBe(3);
    expect(existsSync(join(E.home, "workspaces", "tty", "wip.txt"))).toBe(true);
  });

  test("cleanup with unsaved work asks; 'y' removes it", async () => {
    const r = await onTty(E, ["cleanup", "tty"], "y\n");
    expect(r.out).toContain("would lose: 1 untracked file(s)");
    expect(r.code).toBe(0);
    expect(existsSync(join(E.home, "workspaces", "tty"))).toBe(false);
  });
});
