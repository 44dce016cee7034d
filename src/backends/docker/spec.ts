import type { Config } from "../../config/config";
import type { Session } from "../../store/schema";
import { agentArgv } from "../agent";

export const WORKSPACE_MOUNT = "/workspace";
export const HISTORY_MOUNT = "/clauderon/history";

export interface SpecInput {
  session: Session;
  config: Config;
  workspace: string;
  historyDir: string;
  homeHash: string;
  uid: number;
  gid: number;
  /** values of [agent] pass_env read from the environment now (credentials: never stored) */
  passEnv: Record<string, string>;
  resume: boolean;
}

/** The container create body (pure). */
export function containerSpec(i: SpecInput) {
  const s = i.session;
  const env = {
    ...i.passEnv,
    ...s.config.env,
    [i.config.agent.history_env]: HISTORY_MOUNT,
    CLAUDERON_SESSION: s.name,
  };
  const body: Record<string, unknown> = {
    Image: s.config.image ?? i.config.agent.image,
    Cmd: agentArgv(s, i.resume),
    Env: Object.entries(env).map(([k, v]) => `${k}=${v}`),
    WorkingDir: WORKSPACE_MOUNT,
    User: `${i.uid}:${i.gid}`,
    Tty: i.config.docker.tty,
    OpenStdin: true,
    AttachStdin: false,
    Labels: {
      "clauderon.managed": "true",
      "clauderon.session": s.name,
      "clauderon.home": i.homeHash,
    },
    HostConfig: {
      Init: true,
      RestartPolicy: { Name: "on-failure", MaximumRetryCount: i.config.docker.restart_retries },
      // Mounts (not Binds): a missing source fails instead of being created empty.
      Mounts: [
        { Type: "bind", Source: i.workspace, Target: WORKSPACE_MOUNT },
        { Type: "bind", Source: i.historyDir, Target: HISTORY_MOUNT },
      ],
      ...(i.config.docker.network ? { NetworkMode: i.config.docker.network } : {}),
    },
  };
  return body;
}
