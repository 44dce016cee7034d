import type { ConsolaInstance } from "consola";
import type { Backend, BackendContext } from "../backends/types";
import { loadConfig, type Config } from "../config/config";
import type { BackendKind } from "../core/actions";
import { systemClock, type Clock } from "../core/clock";
import { resolvePaths, type Paths } from "../store/paths";
import { SessionStore } from "../store/store";

/** Everything a command needs, built once per process. Backends load lazily. */
export interface App {
  paths: Paths;
  config: Config;
  store: SessionStore;
  clock: Clock;
  env: NodeJS.ProcessEnv;
  log: ConsolaInstance;
  json: boolean;
  /** progress for a person: stderr on a TTY, silent otherwise and with --json */
  progress: (line: string) => void;
  backend(kind: BackendKind): Promise<Backend>;
}

export function makeApp(log: ConsolaInstance, json: boolean, opts: { clock?: Clock; env?: NodeJS.ProcessEnv } = {}): App {
  const env = opts.env ?? process.env;
  const paths = resolvePaths(env);
  const config = loadConfig(paths.configFile);
  const progress = (line: string) => {
    if (!json && process.stderr.isTTY) log.info(line);
  };
  const cache = new Map<BackendKind, Backend>();
  const app: App = {
    paths,
    config,
    store: new SessionStore(paths),
    clock: opts.clock ?? systemClock,
    env,
    log,
    json,
    progress,
    async backend(kind) {
      let b = cache.get(kind);
      if (!b) {
        const ctx: BackendContext = { paths, config, env, progress };
        const made: Backend =
          kind === "docker"
            ? new (await import("../backends/docker/backend")).DockerBackend(ctx)
            : new (await import("../backends/zellij/backend")).ZellijBackend(ctx);
        cache.set(kind, made);
        b = made;
      }
      return b;
    },
  };
  return app;
}
