import { ClauderonError } from "../../core/errors";

/** The API versions this client is written against. Never ask for more than the engine offers. */
export const MIN_API = "1.41";
export const CLIENT_MAX_API = "1.45";

export function compareVersions(a: string, b: string): number {
  const [a1 = 0, a2 = 0] = a.split(".").map(Number);
  const [b1 = 0, b2 = 0] = b.split(".").map(Number);
  return a1 - b1 || a2 - b2;
}

export type Endpoint = { kind: "unix"; path: string; display: string } | { kind: "tcp"; base: string; display: string };

export function parseDockerHost(host: string | undefined): Endpoint {
  const h = host && host.length ? host : "unix:///var/run/docker.sock";
  if (h.startsWith("unix://")) return { kind: "unix", path: h.slice("unix://".length), display: h };
  if (h.startsWith("tcp://")) return { kind: "tcp", base: `http://${h.slice("tcp://".length).replace(/\/$/, "")}`, display: h };
  if (h.startsWith("/")) return { kind: "unix", path: h, display: `unix://${h}` };
  throw new ClauderonError("usage", `DOCKER_HOST=${JSON.stringify(h)} is not supported: use unix:///path/to/docker.sock or tcp://host:port`);
}

/** Docker answered with an HTTP error. */
export class DockerApiError extends ClauderonError {
  constructor(
    readonly status: number,
    message: string,
    what: string,
  ) {
    super("backend", `${what}: Docker engine answered ${status}: ${message}`);
  }
}

export interface ContainerSummary {
  Id: string;
  Names: string[];
  Labels: Record<string, string>;
  State: string;
  Status: string;
  Image: string;
}

export interface ContainerInspect {
  Id: string;
  Name: string;
  RestartCount: number;
  State: {
    Status: string;
    Running: boolean;
    Paused: boolean;
    Restarting: boolean;
    OOMKilled: boolean;
    Dead: boolean;
    Pid: number;
    ExitCode: number;
    Error: string;
    StartedAt: string;
    FinishedAt: string;
  };
  Config: { Tty: boolean; Image: string; Cmd: string[] | null; Env: string[] | null; Labels: Record<string, string> };
  HostConfig: { RestartPolicy: { Name: string; MaximumRetryCount: number } };
  Mounts: { Type: string; Source: string; Destination: string }[];
}

interface RequestOpts {
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  rawBody?: RequestInit["body"];
  headers?: Record<string, string>;
  /** ms; 0 = no deadline (pulls, log streams) */
  timeoutMs?: number;
  what: string;
}

/** A small Docker Engine API client over fetch (unix socket or tcp). */
export class DockerClient {
  readonly endpoint: Endpoint;
  private version: string | undefined;
  private infoCache: { ID: string; ServerVersion: string } | undefined;

  constructor(
    host: string | undefined,
    readonly timeoutMs: number,
  ) {
    this.endpoint = parseDockerHost(host);
  }

  get display() {
    return this.endpoint.display;
  }

  private unreachable(e: unknown, what: string): ClauderonError {
    const err = e as { code?: string; name?: string; message?: string };
    let why: string;
    if (err.name === "TimeoutError" || err.name === "AbortError") why = `no answer within ${this.timeoutMs / 1000} s`;
    else if (err.code === "ENOENT") why = "the socket does not exist";
    else if (err.code === "ECONNREFUSED") why = "connection refused";
    else if (err.code === "EACCES") why = "permission denied on the socket";
    else why = err.message ?? String(e);
    return new ClauderonError("unreachable", `cannot reach the Docker engine at ${this.display} (${what}): ${why}`, {
      hints: ["is dockerd running? DOCKER_HOST selects another endpoint"],
      cause: e,
    });
  }

  private async raw(method: string, path: string, o: RequestOpts): Promise<Response> {
    const qs = new URLSearchParams();
    for (const [k, val] of Object.entries(o.query ?? {})) if (val !== undefined) qs.set(k, String(val));
    const q = qs.toString();
    const url = `${this.endpoint.kind === "unix" ? "http://docker" : this.endpoint.base}${path}${q ? `?${q}` : ""}`;
    const timeout = o.timeoutMs ?? this.timeoutMs;
    const init: RequestInit & { unix?: string; timeout?: boolean } = { method, headers: { ...(o.headers ?? {}) } };
    if (o.body !== undefined) {
      init.body = JSON.stringify(o.body);
      (init.headers as Record<string, string>)["Content-Type"] = "application/json";
    } else if (o.rawBody !== undefined) init.body = o.rawBody;
    if (timeout > 0) init.signal = AbortSignal.timeout(timeout);
    else init.timeout = false;
    if (this.endpoint.kind === "unix") init.unix = this.endpoint.path;
    try {
      return await fetch(url, init);
    } catch (e) {
      throw this.unreachable(e, o.what);
    }
  }

  /** Negotiate the API version from /_ping (lower of the engine's and ours; refuse below 1.41). */
  async apiVersion(): Promise<string> {
    if (this.version) return this.version;
    const r = await this.raw("GET", "/_ping", { what: "ping" });
    await r.arrayBuffer().catch(() => undefined);
    const server = r.headers.get("api-version");
    if (!r.ok && !server) throw new ClauderonError("unreachable", `the Docker engine at ${this.display} answered ${r.status} to /_ping`);
    const v = !server ? CLIENT_MAX_API : compareVersions(server, CLIENT_MAX_API) < 0 ? server : CLIENT_MAX_API;
    if (compareVersions(v, MIN_API) < 0) {
      throw new ClauderonError("backend", `the Docker engine at ${this.display} offers API ${server}; clauderon needs ${MIN_API} or later`);
    }
    this.version = v;
    return v;
  }

  async request(method: string, path: string, o: RequestOpts): Promise<Response> {
    const v = await this.apiVersion();
    return this.raw(method, `/v${v}${path}`, o);
  }

  /** Request and decode JSON; HTTP errors become DockerApiError. `ok` lists extra accepted statuses. */
  async json<T>(method: string, path: string, o: RequestOpts, ok: number[] = []): Promise<{ status: number; body: T | undefined }> {
    const r = await this.request(method, path, o);
    let text: string;
    try {
      text = await r.text();
    } catch (e) {
      throw this.unreachable(e, o.what);
    }
    if (!r.ok && !ok.includes(r.status)) {
      let msg = text.trim();
      try {
        msg = (JSON.parse(text) as { message?: string }).message ?? msg;
      } catch {
        /* not JSON: keep the text */
      }
      throw new DockerApiError(r.status, msg || r.statusText, o.what);
    }
    if (!text) return { status: r.status, body: undefined };
    try {
      return { status: r.status, body: JSON.parse(text) as T };
    } catch {
      throw new ClauderonError("backend", `${o.what}: the Docker engine at ${this.display} sent a body that is not JSON: ${text.slice(0, 120)}`);
    }
  }

  async info(): Promise<{ ID: string; ServerVersion: string }> {
    this.infoCache ??= (await this.json<{ ID: string; ServerVersion: string }>("GET", "/info", { what: "reading engine info" })).body;
    if (!this.infoCache?.ID) throw new ClauderonError("backend", `the Docker engine at ${this.display} did not report an ID`);
    return this.infoCache;
  }

  async listContainers(labels: string[]): Promise<ContainerSummary[]> {
    const filters = JSON.stringify({ label: labels });
    return (await this.json<ContainerSummary[]>("GET", "/containers/json", { query: { all: 1, filters }, what: "listing containers" })).body ?? [];
  }

  /** Inspect a container; undefined when it does not exist. */
  async inspect(id: string): Promise<ContainerInspect | undefined> {
    const r = await this.json<ContainerInspect>("GET", `/containers/${encodeURIComponent(id)}/json`, { what: `inspecting ${id}` }, [404]);
    return r.status === 404 ? undefined : r.body;
  }

  async create(name: string, body: unknown): Promise<string> {
    const r = await this.json<{ Id: string }>("POST", "/containers/create", { query: { name }, body, what: `creating container ${name}` });
    if (!r.body?.Id) throw new ClauderonError("backend", `creating container ${name}: the engine returned no Id`);
    return r.body.Id;
  }

  /** 304 (already started) counts as success. */
  async start(id: string) {
    await this.json("POST", `/containers/${encodeURIComponent(id)}/start`, { what: `starting ${id}` }, [304]);
  }

  async stop(id: string, seconds: number) {
    await this.json("POST", `/containers/${encodeURIComponent(id)}/stop`, { query: { t: seconds }, timeoutMs: (seconds + 30) * 1000, what: `stopping ${id}` }, [304]);
  }

  async unpause(id: string) {
    await this.json("POST", `/containers/${encodeURIComponent(id)}/unpause`, { what: `unpausing ${id}` });
  }

  /** Remove (force); 404 counts as success (already gone). Returns whether it existed. */
  async remove(id: string): Promise<boolean> {
    const r = await this.json("DELETE", `/containers/${encodeURIComponent(id)}`, { query: { force: 1, v: 1 }, timeoutMs: Math.max(this.timeoutMs, 30_000), what: `removing ${id}` }, [404]);
    return r.status !== 404;
  }

  async setRestartPolicy(id: string, name: string, max: number) {
    const RestartPolicy = name === "on-failure" ? { Name: name, MaximumRetryCount: max } : { Name: name };
    await this.json("POST", `/containers/${encodeURIComponent(id)}/update`, { body: { RestartPolicy }, what: `updating restart policy of ${id}` });
  }

  async imageExists(image: string): Promise<boolean> {
    const r = await this.json("GET", `/images/${encodeURIComponent(image)}/json`, { what: `inspecting image ${image}` }, [404]);
    return r.status !== 404;
  }

  /** Pull an image, reporting progress lines; throws an error naming the image. */
  async pull(image: string, onProgress?: (line: string) => void): Promise<void> {
    const { repo, tag } = splitImage(image);
    const r = await this.request("POST", "/images/create", { query: { fromImage: repo, tag }, timeoutMs: 0, what: `pulling ${image}` });
    if (!r.ok) {
      const text = await r.text();
      let msg = text;
      try {
        msg = (JSON.parse(text) as { message?: string }).message ?? text;
      } catch {
        /* keep text */
      }
      throw new ClauderonError("backend", `image ${image} is not present and cannot be pulled: ${msg.trim()}`);
    }
    // NDJSON progress, reported as it arrives (a pull can take minutes)
    const handle = (line: string) => {
      let ev: { error?: string; status?: string; progress?: string; id?: string };
      try {
        ev = JSON.parse(line);
      } catch {
        return;
      }
      if (ev.error) throw new ClauderonError("backend", `image ${image} is not present and cannot be pulled: ${ev.error}`);
      if (ev.status) onProgress?.(`${ev.id ? `${ev.id}: ` : ""}${ev.status}${ev.progress ? ` ${ev.progress}` : ""}`);
    };
    const decoder = new TextDecoder();
    let buf = "";
    for await (const chunk of r.body as ReadableStream<Uint8Array>) {
      buf += decoder.decode(chunk, { stream: true });
      let nl: number;
      while ((nl = buf.indexOf("\n")) >= 0) {
        const line = buf.slice(0, nl).trim();
        buf = buf.slice(nl + 1);
        if (line) handle(line);
      }
    }
    if (buf.trim()) handle(buf.trim());
  }

  /** The log stream (raw bytes as the engine sends them). */
  async logs(id: string, o: { tail?: number; follow?: boolean }): Promise<Response> {
    const r = await this.request("GET", `/containers/${encodeURIComponent(id)}/logs`, {
      query: { stdout: 1, stderr: 1, follow: o.follow ? 1 : 0, tail: o.tail === undefined ? "all" : o.tail },
      timeoutMs: o.follow ? 0 : Math.max(this.timeoutMs, 30_000),
      what: `reading logs of ${id}`,
    });
    if (!r.ok) {
      const text = await r.text();
      throw new DockerApiError(r.status, text.trim(), `reading logs of ${id}`);
    }
    return r;
  }
}

export function splitImage(image: string): { repo: string; tag: string } {
  const at = image.indexOf("@");
  if (at >= 0) return { repo: image.slice(0, at), tag: image.slice(at + 1) };
  const slash = image.lastIndexOf("/");
  const colon = image.lastIndexOf(":");
  if (colon > slash) return { repo: image.slice(0, colon), tag: image.slice(colon + 1) };
  return { repo: image, tag: "latest" };
}

/** Docker reports never-set times as the Go zero time. */
export function parseDockerTime(t: string | undefined): number | undefined {
  if (!t || t.startsWith("0001-01-01")) return undefined;
  const ms = Date.parse(t);
  return Number.isNaN(ms) ? undefined : ms;
}
