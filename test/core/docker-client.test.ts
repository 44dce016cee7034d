import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DockerClient, parseDockerHost, splitImage } from "../../src/backends/docker/client";
import { youngFromStatus } from "../../src/backends/docker/backend";
import { ClauderonError } from "../../src/core/errors";

/**
 * A fake Engine API on a unix socket, only for faults a real engine cannot produce on demand
 * (old or missing API versions, timeouts, 500s, garbage bodies). Everything else is tested
 * against the real engine in test/e2e.
 */
let dir: string;
let sock: string;
let server: ReturnType<typeof Bun.serve>;
let apiVersion: string | null = "1.41";
const seen: string[] = [];

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "clauderon-fake-engine-"));
  sock = join(dir, "docker.sock");
  server = Bun.serve({
    unix: sock,
    async fetch(req) {
      const url = new URL(req.url);
      seen.push(`${req.method} ${url.pathname}`);
      const h: Record<string, string> = apiVersion ? { "Api-Version": apiVersion } : {};
      if (url.pathname === "/_ping") return new Response("OK", { headers: h });
      if (url.pathname.endsWith("/info")) return Response.json({ ID: "FAKE:ENGINE", ServerVersion: "x" }, { headers: h });
      if (url.pathname.endsWith("/containers/slow/json")) {
        await Bun.sleep(3000);
        return Response.json({});
      }
      if (url.pathname.endsWith("/containers/boom/json")) return Response.json({ message: "internal kaboom" }, { status: 500 });
      if (url.pathname.endsWith("/containers/garbage/json")) return new Response("<html>not json</html>", { status: 200 });
      if (url.pathname.endsWith("/containers/gone/json")) return Response.json({ message: "No such container: gone" }, { status: 404 });
      if (url.pathname.endsWith("/images/create")) {
        const from = url.searchParams.get("fromImage");
        if (from === "offline/img") return Response.json({ message: 'Get "https://registry-1.docker.io/v2/": dial tcp: lookup registry-1.docker.io: no such host' }, { status: 500 });
        const lines =
          from === "ok/img"
            ? ['{"status":"Pulling from ok/img","id":"1.0"}', '{"status":"Downloading","progress":"[==>   ] 1MB/3MB","id":"abc"}', '{"status":"Download complete","id":"abc"}']
            : ['{"status":"Pulling from half/img","id":"1.0"}', '{"error":"unexpected EOF","errorDetail":{"message":"unexpected EOF"}}'];
        const enc = new TextEncoder();
        return new Response(
          new ReadableStream({
            async start(ctl) {
              for (const l of lines) {
                ctl.enqueue(enc.encode(`${l.slice(0, 10)}`));
                await Bun.sleep(5);
                ctl.enqueue(enc.encode(`${l.slice(10)}\r\n`));
              }
              ctl.close();
            },
          }),
          { headers: h },
        );
      }
      if (url.pathname.endsWith("/containers/x/start")) return new Response(null, { status: 304 });
      if (url.pathname.endsWith("/containers/conflict/start")) return Response.json({ message: "conflict" }, { status: 409 });
      return Response.json({ message: "page not found" }, { status: 404 });
    },
  });
});
afterAll(() => {
  server.stop(true);
  rmSync(dir, { recursive: true, force: true });
});

const client = (timeoutMs = 1000) => new DockerClient(`unix://${sock}`, timeoutMs);

describe("API version negotiation", () => {
  test("uses the engine's version when lower than ours, in every path", async () => {
    apiVersion = "1.41";
    seen.length = 0;
    const c = client();
    await c.info();
    expect(await c.apiVersion()).toBe("1.41");
    expect(seen).toContain("GET /v1.41/info");
  });
  test("caps at our maximum when the engine offers more", async () => {
    apiVersion = "1.52";
    expect(await client().apiVersion()).toBe("1.45");
  });
  test("refuses an engine below 1.41", async () => {
    apiVersion = "1.40";
    await expect(client().apiVersion()).rejects.toThrow(/offers API 1.40; clauderon needs 1.41/);
    apiVersion = "1.41";
  });
  test("no Api-Version header: our maximum", async () => {
    apiVersion = null;
    expect(await client().apiVersion()).toBe("1.45");
    apiVersion = "1.41";
  });
});

describe("typed errors", () => {
  test("404 on inspect is 'not found' (undefined), never an error", async () => expect(await client().inspect("gone")).toBeUndefined());
  test("304 on start counts as success", async () => expect(client().start("x")).resolves.toBeUndefined());
  test("409 is an API error with the engine's message", async () => {
    await expect(client().start("conflict")).rejects.toThrow(/answered 409: conflict/);
  });
  test("500 is an error naming the call", async () => {
    await expect(client().inspect("boom")).rejects.toThrow(/inspecting boom: Docker engine answered 500: internal kaboom/);
  });
  test("a garbage body is an error, not a crash", async () => {
    await expect(client().inspect("garbage")).rejects.toThrow(/not JSON/);
  });
  test("a call that hangs times out as unreachable", async () => {
    const e = await client(300).inspect("slow").catch((x) => x as ClauderonError);
    expect((e as ClauderonError).code).toBe("unreachable");
    expect((e as Error).message).toContain("no answer within 0.3 s");
  });
  test("a missing socket and a refused connection are unreachable, naming the endpoint", async () => {
    const e = await new DockerClient(`unix://${join(dir, "nope.sock")}`, 1000).info().catch((x) => x as ClauderonError);
    expect((e as ClauderonError).code).toBe("unreachable");
    expect((e as Error).message).toContain("nope.sock");
    const t = await new DockerClient("tcp://127.0.0.1:1", 1000).info().catch((x) => x as ClauderonError);
    expect((t as ClauderonError).code).toBe("unreachable");
    expect((t as Error).message).toContain("tcp://127.0.0.1:1");
  });
});

describe("image pull", () => {
  test("progress lines arrive as they stream (split across chunks)", async () => {
    const seenLines: string[] = [];
    await client().pull("ok/img:1.0", (l) => seenLines.push(l));
    expect(seenLines).toEqual(["1.0: Pulling from ok/img", "abc: Downloading [==>   ] 1MB/3MB", "abc: Download complete"]);
  });
  test("an error in the stream names the image", async () => {
    await expect(client().pull("half/img:2")).rejects.toThrow(/image half\/img:2 is not present and cannot be pulled: unexpected EOF/);
  });
  test("an engine that cannot reach the registry: the error names the image", async () => {
    await expect(client().pull("offline/img")).rejects.toThrow(/image offline\/img is not present and cannot be pulled: .*no such host/);
  });
});

test("DOCKER_HOST forms", () => {
  expect(parseDockerHost(undefined)).toMatchObject({ kind: "unix", path: "/var/run/docker.sock" });
  expect(parseDockerHost("tcp://127.0.0.1:2375")).toMatchObject({ kind: "tcp", base: "http://127.0.0.1:2375" });
  expect(() => parseDockerHost("ssh://host")).toThrow(/not supported/);
});
test("image references", () => {
  expect(splitImage("busybox")).toEqual({ repo: "busybox", tag: "latest" });
  expect(splitImage("localhost:5000/a/b:1.2")).toEqual({ repo: "localhost:5000/a/b", tag: "1.2" });
  expect(splitImage("a/b@sha256:abc")).toEqual({ repo: "a/b", tag: "sha256:abc" });
});
test("young containers are recognised from the list's Status text", () => {
  expect(youngFromStatus("Up Less than a second")).toBe(true);
  expect(youngFromStatus("Up 9 seconds")).toBe(true);
  expect(youngFromStatus("Up 10 seconds")).toBe(false);
  expect(youngFromStatus("Up 3 minutes")).toBe(false);
  expect(youngFromStatus("Up About a minute (Paused)")).toBe(false);
  expect(youngFromStatus("Exited (1) 2 seconds ago")).toBeUndefined();
});
