import { existsSync } from "node:fs";
import { ClauderonError } from "../../core/errors";
import { deriveDocker, type ContainerObservation, type ContainerStatus } from "../../core/health";
import { resourceName } from "../../core/names";
import { historyPath, workspacePath } from "../../store/paths";
import type { Session } from "../../store/schema";
import { passEnv } from "../agent";
import type { Backend, BackendContext, CreateOptions, LogOptions, ObserveAll, Observation, Orphan, Outcome } from "../types";
import { DockerApiError, DockerClient, parseDockerHost, parseDockerTime, type ContainerInspect, type ContainerSummary } from "./client";
import { Demuxer, demuxAll } from "./demux";
import { containerSpec } from "./spec";

const MANAGED = "clauderon.managed=true";

/** "Up 3 seconds" / "Up Less than a second" → young (started < 10 s ago); undefined when unknown. */
export function youngFromStatus(status: string): boolean | undefined {
  if (/^Up Less than a second/.test(status)) return true;
  const m = /^Up (\d+) seconds?/.exec(status);
  if (m) return Number(m[1]) < 10;
  if (/^Up /.test(status)) return false;
  return undefined;
}

export function fromInspect(c: ContainerInspect): ContainerObservation {
  return {
    id: c.Id,
    status: c.State.Status as ContainerStatus,
    exitCode: c.State.ExitCode,
    oomKilled: c.State.OOMKilled,
    error: c.State.Error ?? "",
    startedAt: parseDockerTime(c.State.StartedAt),
    finishedAt: parseDockerTime(c.State.FinishedAt),
    restartCount: c.RestartCount,
    restartPolicy: { name: c.HostConfig.RestartPolicy.Name, maximumRetryCount: c.HostConfig.RestartPolicy.MaximumRetryCount },
  };
}

function observation(c: ContainerObservation | undefined): Observation {
  return {
    found: c !== undefined,
    derive: (facts, now) => deriveDocker(c, facts, now),
    restartCount: c?.restartCount,
    startedAt: c?.startedAt,
  };
}

export class DockerBackend implements Backend {
  readonly kind = "docker" as const;
  private clients = new Map<string, DockerClient>();

  constructor(private readonly ctx: BackendContext) {}

  private get timeoutMs() {
    return this.ctx.config.health.check_timeout * 1000;
  }

  /** The DOCKER_HOST of the environment now (new sessions, orphan scans). */
  get currentHost(): string {
    return parseDockerHost(this.ctx.env.DOCKER_HOST).display;
  }

  client(host: string = this.currentHost): DockerClient {
    let c = this.clients.get(host);
    if (!c) {
      c = new DockerClient(host, this.timeoutMs);
      this.clients.set(host, c);
    }
    return c;
  }

  private hostOf(s: Session) {
    return s.endpoint.dockerHost ?? this.currentHost;
  }

  /** The client for a session, after checking it reaches the engine the session was created on. */
  private async sessionClient(s: Session): Promise<DockerClient> {
    const c = this.client(this.hostOf(s));
    const info = await c.info();
    const problem = endpointMismatch(s, info.ID, c.display);
    if (problem) throw new ClauderonError("unreachable", problem);
    return c;
  }

  /**
   * The session's engine (checked to be the one it was created on) and its container, if any.
   * A container of that name without this session's labels is never touched.
   */
  private async container(s: Session): Promise<{ c: DockerClient; ctr: ContainerInspect | undefined }> {
    const c = await this.sessionClient(s);
    const ctr = await c.inspect(resourceName(s.name));
    if (ctr && !ownedBy(ctr.Config.Labels, s.name, this.ctx.paths.homeHash)) {
      throw new ClauderonError("backend", `container ${resourceName(s.name)} exists but does not carry this session's labels; not touching it`);
    }
    return { c, ctr };
  }

  /** As container(), for actions that need it to exist. */
  private async existing(s: Session, hint = ""): Promise<{ c: DockerClient; ctr: ContainerInspect }> {
    const { c, ctr } = await this.container(s);
    if (!ctr) throw new ClauderonError("backend", `container ${resourceName(s.name)} does not exist${hint}`);
    return { c, ctr };
  }

  async bind(): Promise<Session["endpoint"]> {
    const c = this.client();
    const info = await c.info();
    return { dockerHost: c.display, engineId: info.ID };
  }

  async observe(sessions: Session[], known: Set<string>, scanOrphans: boolean): Promise<ObserveAll> {
    const result: ObserveAll = { bySession: new Map(), orphans: [], foreign: 0, errors: [] };
    const hosts = new Map<string, Session[]>();
    for (const s of sessions) hosts.set(this.hostOf(s), [...(hosts.get(this.hostOf(s)) ?? []), s]);
    if (scanOrphans && !hosts.has(this.currentHost)) hosts.set(this.currentHost, []);
    await Promise.all(
      [...hosts].map(async ([host, group]) => {
        const c = this.client(host);
        let list: ContainerSummary[];
        let engineId: string;
        try {
          engineId = (await c.info()).ID;
          list = await c.listContainers([MANAGED]);
        } catch (e) {
          const msg = (e as Error).message;
          for (const s of group) result.bySession.set(s.name, { ok: false, error: msg });
          if (!group.length || host === this.currentHost) result.errors.push(msg);
          return;
        }
        const ours = (ctr: ContainerSummary) => {
          const h = ctr.Labels["clauderon.home"];
          return h === undefined || h === this.ctx.paths.homeHash;
        };
        const byName = new Map<string, ContainerSummary>();
        for (const ctr of list) {
          if (!ours(ctr)) {
            if (host === this.currentHost) result.foreign++;
            continue;
          }
          for (const n of ctr.Names) byName.set(n.replace(/^\//, ""), ctr);
          const label = ctr.Labels["clauderon.session"];
          if (host === this.currentHost && scanOrphans && !(label && known.has(label))) {
            result.orphans.push({ backend: "docker", id: ctr.Id, name: (ctr.Names[0] ?? ctr.Id).replace(/^\//, "") });
          }
        }
        await Promise.all(
          group.map(async (s) => {
            const problem = endpointMismatch(s, engineId, c.display);
            if (problem) return void result.bySession.set(s.name, { ok: false, error: problem });
            const summary = byName.get(resourceName(s.name));
            try {
              if (!summary) return void result.bySession.set(s.name, { ok: true, obs: observation(undefined) });
              if (summary.State === "running" && youngFromStatus(summary.Status) === false) {
                const partial: ContainerObservation = {
                  id: summary.Id,
                  status: "running",
                  exitCode: 0,
                  oomKilled: false,
                  error: "",
                  restartCount: undefined,
                  restartPolicy: { name: "", maximumRetryCount: 0 },
                };
                return void result.bySession.set(s.name, { ok: true, obs: observation(partial) });
              }
              const full = await c.inspect(summary.Id);
              result.bySession.set(s.name, { ok: true, obs: observation(full ? fromInspect(full) : undefined) });
            } catch (e) {
              result.bySession.set(s.name, { ok: false, error: (e as Error).message });
            }
          }),
        );
      }),
    );
    return result;
  }

  async observeOne(s: Session): Promise<Outcome> {
    try {
      const { ctr } = await this.container(s);
      return { ok: true, obs: observation(ctr ? fromInspect(ctr) : undefined) };
    } catch (e) {
      return { ok: false, error: (e as Error).message };
    }
  }

  private async ensureImage(c: DockerClient, image: string) {
    const policy = this.ctx.config.docker.pull;
    const present = policy === "always" ? false : await c.imageExists(image);
    if (present) return;
    if (policy === "never") {
      throw new ClauderonError("backend", `image ${image} is not present and [docker] pull = "never" forbids pulling it`);
    }
    this.ctx.progress(`pulling image ${image}`);
    await c.pull(image, (line) => this.ctx.progress(line));
  }

  async create(s: Session, opts: CreateOptions): Promise<string> {
    const c = await this.sessionClient(s);
    const image = s.config.image ?? this.ctx.config.agent.image;
    await this.ensureImage(c, image);
    const workspace = workspacePath(this.ctx.paths, s.name);
    const historyDir = historyPath(this.ctx.paths, s.name);
    if (!existsSync(workspace)) throw new ClauderonError("blocked", `the workspace ${workspace} does not exist`);
    const body = containerSpec({
      session: s,
      config: this.ctx.config,
      workspace,
      historyDir,
      homeHash: this.ctx.paths.homeHash,
      uid: process.getuid?.() ?? 0,
      gid: process.getgid?.() ?? 0,
      passEnv: passEnv(this.ctx.config.agent.pass_env, this.ctx.env),
      resume: opts.resume,
    });
    const name = resourceName(s.name);
    let id: string;
    try {
      id = await c.create(name, body);
    } catch (e) {
      if (!(e instanceof DockerApiError && e.status === 409)) throw e;
      // A container of that name exists: adopt-and-replace only if it is ours (a leftover).
      const existing = await c.inspect(name);
      if (!existing || !ownedBy(existing.Config.Labels, s.name, this.ctx.paths.homeHash)) {
        throw new ClauderonError("backend", `a container named ${name} already exists and does not belong to this session; remove or rename it`);
      }
      await c.remove(existing.Id);
      id = await c.create(name, body);
    }
    try {
      await c.start(id);
    } catch (e) {
      await c.remove(id).catch(() => undefined);
      throw e;
    }
    return id;
  }

  async remove(s: Session): Promise<boolean> {
    const { c, ctr } = await this.container(s);
    return ctr ? c.remove(ctr.Id) : false;
  }

  async start(s: Session) {
    const { c, ctr } = await this.existing(s);
    await c.setRestartPolicy(ctr.Id, "on-failure", this.ctx.config.docker.restart_retries);
    if (ctr.State.Status === "paused") await c.unpause(ctr.Id);
    else await c.start(ctr.Id);
  }

  async stop(s: Session) {
    const { c, ctr } = await this.existing(s);
    // restart policy "no" while stopped: it stays stopped across engine and machine restarts
    await c.setRestartPolicy(ctr.Id, "no", 0);
    if (ctr.State.Status === "paused") await c.unpause(ctr.Id);
    await c.stop(ctr.Id, this.ctx.config.docker.stop_timeout);
  }

  async lastOutput(s: Session, lines: number): Promise<string | undefined> {
    const { c, ctr } = await this.container(s);
    if (!ctr) return undefined;
    const r = await c.logs(ctr.Id, { tail: lines });
    const bytes = new Uint8Array(await r.arrayBuffer());
    if (ctr.Config.Tty) return new TextDecoder().decode(bytes);
    const d = demuxAll(bytes);
    return d.stdout + d.stderr;
  }

  async logs(s: Session, o: LogOptions) {
    const { c, ctr } = await this.existing(s, "; 'logs --previous' shows what was kept from the last recreate");
    const r = await c.logs(ctr.Id, o);
    const reader = (r.body as ReadableStream<Uint8Array>).getReader();
    const demux = ctr.Config.Tty
      ? undefined
      : new Demuxer((kind, data) => (kind === "stderr" ? process.stderr : process.stdout).write(data));
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (demux) demux.push(value);
      else process.stdout.write(value);
    }
  }

  async details(s: Session): Promise<Record<string, unknown>> {
    const { ctr } = await this.container(s);
    if (!ctr) return { container: null };
    return {
      containerId: ctr.Id,
      containerName: ctr.Name.replace(/^\//, ""),
      image: ctr.Config.Image,
      command: ctr.Config.Cmd,
      status: ctr.State.Status,
      exitCode: ctr.State.ExitCode,
      oomKilled: ctr.State.OOMKilled,
      error: ctr.State.Error || null,
      restartCount: ctr.RestartCount,
      restartPolicy: ctr.HostConfig.RestartPolicy,
      startedAt: ctr.State.StartedAt,
      finishedAt: ctr.State.FinishedAt,
      tty: ctr.Config.Tty,
      mounts: ctr.Mounts.map((m) => ({ type: m.Type, source: m.Source, destination: m.Destination })),
    };
  }

  attachCommand(s: Session) {
    return { argv: ["docker", "-H", this.hostOf(s), "attach", "--detach-keys=ctrl-p,ctrl-q", resourceName(s.name)] };
  }

  async removeOrphan(o: Orphan) {
    const c = this.client();
    const ctr = await c.inspect(o.id);
    if (!ctr) return;
    const labels = ctr.Config.Labels;
    if (labels["clauderon.managed"] !== "true" || (labels["clauderon.home"] !== undefined && labels["clauderon.home"] !== this.ctx.paths.homeHash)) {
      throw new ClauderonError("backend", `container ${o.name} is not a clauderon orphan of this home; not removing it`);
    }
    await c.remove(o.id);
  }
}

function ownedBy(labels: Record<string, string>, name: string, homeHash: string) {
  return (
    labels["clauderon.managed"] === "true" &&
    labels["clauderon.session"] === name &&
    (labels["clauderon.home"] === undefined || labels["clauderon.home"] === homeHash)
  );
}

/** A session bound to another engine than the one reached now is unreachable, never "not found". */
export function endpointMismatch(s: Session, engineId: string, display: string): string | undefined {
  if (s.endpoint.engineId && s.endpoint.engineId !== engineId) {
    return `session "${s.name}" was created on Docker engine ${s.endpoint.engineId.slice(0, 12)} (${s.endpoint.dockerHost ?? "?"}), but ${display} reaches engine ${engineId.slice(0, 12)}; not acting on the wrong engine`;
  }
  return undefined;
}
