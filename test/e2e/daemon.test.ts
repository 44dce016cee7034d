import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { BIN, docker, makeEnv, waitFor, type Env } from "../support/harness";

describe("clauderon daemon (HTTP API, compiled binary, real engine)", () => {
  let E: Env;
  let proc: ReturnType<typeof Bun.spawn>;
  let base = "";
  let token = "";
  type AnyResponse = Omit<Response, "json"> & { json(): Promise<any> };
  const api = (method: string, path: string, body?: unknown, auth = true): Promise<AnyResponse> =>
    fetch(`${base}${path}`, {
      method,
      headers: { ...(auth ? { Authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { "Content-Type": "application/json" } : {}) },
      body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
    });

  beforeAll(async () => {
    E = await makeEnv();
    expect((await E.run(["create", "web", "--repo", join(E.root, "repo")])).code).toBe(0);
    proc = Bun.spawn([BIN, "daemon", "--port", "0"], { env: E.env, stdout: "pipe", stderr: "pipe" });
    const reader = (proc.stderr as ReadableStream<Uint8Array>).getReader();
    let text = "";
    const m = await waitFor("listening", async () => {
      const { value } = await reader.read();
      text += new TextDecoder().decode(value);
      return /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(text);
    });
    base = m[1]!;
    token = readFileSync(join(E.home, "api-token"), "utf8").trim();
  });
  afterAll(async () => {
    proc.kill("SIGTERM");
    await proc.exited;
    await E.cleanup();
  });

  test("the token file is created with mode 0600; no or wrong token → 401 with one fixed body", async () => {
    expect(statSync(join(E.home, "api-token")).mode & 0o777).toBe(0o600);
    const a = await api("GET", "/api/sessions", undefined, false);
    const b: AnyResponse = await fetch(`${base}/api/sessions`, { headers: { Authorization: "Bearer wrong" } });
    expect(a.status).toBe(401);
    expect(b.status).toBe(401);
    expect(await a.text()).toBe(await b.text());
  });

  test("GET sessions, one session, its health", async () => {
    const l = await (await api("GET", "/api/sessions")).json();
    expect(l.sessions.map((s: any) => s.name)).toEqual(["web"]);
    const s = await (await api("GET", "/api/sessions/web")).json();
    expect(s).toMatchObject({ name: "web", backend: "docker", health: { state: "Healthy" } });
    const h = await (await api("GET", "/api/sessions/web/health")).json();
    expect(h.actions).toEqual(["stop", "recreate", "cleanup"]);
  });

  test("errors: 400 bad name/body, 404 no session, 409 not available with actions", async () => {
    const bad = await api("GET", "/api/sessions/Bad_Name");
    expect(bad.status).toBe(400);
    expect((await bad.json()).code).toBe("invalid-name");
    expect((await api("GET", "/api/sessions/ghost")).status).toBe(404);
    const body = await api("POST", "/api/sessions/web/recreate", "{not json");
    expect(body.status).toBe(400);
    expect((await api("POST", "/api/sessions/web/recreate", { imagez: "x" })).status).toBe(400);
    const na = await api("POST", "/api/sessions/web/start");
    expect(na.status).toBe(409);
    expect((await na.json()).actions).toEqual(["stop", "recreate", "cleanup"]);
  });

  test("stop, start, recreate, recreate-fresh", async () => {
    expect((await (await api("POST", "/api/sessions/web/stop")).json()).health.state).toBe("Stopped");
    expect((await (await api("POST", "/api/sessions/web/start")).json()).health.state).toBe("Healthy");
    docker("kill", "clauderon-web");
    const r = await api("POST", "/api/sessions/web/recreate");
    expect(r.status).toBe(200);
    expect((await r.json()).health.state).toBe("Healthy");
    docker("kill", "clauderon-web");
    writeFileSync(join(E.home, "workspaces", "web", "wip.txt"), "x\n");
    const f = await (await api("POST", "/api/sessions/web/recreate-fresh")).json();
    expect(f.health.state).toBe("Healthy");
    expect(f.backups.length).toBe(1);
  });

  test("POST reconcile returns the report", async () => {
    const r = await api("POST", "/api/reconcile");
    expect(r.status).toBe(200);
    const j = await r.json();
    expect(j.sessions[0]).toMatchObject({ name: "web", action: "none" });
  });

  test("cleanup needs force when work would be lost (409 unsaved-work), then removes", async () => {
    writeFileSync(join(E.home, "workspaces", "web", "wip2.txt"), "x\n");
    const no = await api("POST", "/api/sessions/web/cleanup");
    expect(no.status).toBe(409);
    expect((await no.json()).code).toBe("unsaved-work");
    const yes = await api("POST", "/api/sessions/web/cleanup", { force: true });
    expect(yes.status).toBe(200);
    expect(await yes.json()).toEqual({ name: "web", removed: true });
    expect((await api("GET", "/api/sessions/web")).status).toBe(404);
  });

  test("a non-loopback address is refused without --allow-remote", async () => {
    const r = await E.run(["daemon", "--host", "0.0.0.0", "--port", "0"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--allow-remote");
  });

  test("backend unreachable → 502", async () => {
    expect((await E.run(["create", "far", "--repo", join(E.root, "repo")])).code).toBe(0);
    const f = join(E.home, "sessions", "far.json");
    const s = JSON.parse(readFileSync(f, "utf8"));
    s.endpoint.dockerHost = `unix://${join(E.root, "none.sock")}`;
    writeFileSync(f, JSON.stringify(s));
    const r = await api("POST", "/api/sessions/far/recreate");
    expect(r.status).toBe(502);
    expect((await r.json()).code).toBe("unreachable");
  });
});
