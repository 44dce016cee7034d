import { existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { basename, join } from "node:path";
import { bool, command, str } from "../cli/command";
import { printJson, writeOut } from "../cli/output";
import { ClauderonError } from "../core/errors";
import { resolvePaths, resolveHome } from "../store/paths";
import { cronLine, serviceUnit, timerUnit, type TimerInput } from "../timer/units";
import { socketDirFor } from "../backends/zellij/cli";
import { appFor } from "./_shared";

const args = {
  interval: { type: "string", description: "seconds between passes (default: [reconciliation] initial_delay)", valueHint: "seconds" },
  cron: { type: "boolean", description: "a crontab line (flock -n: never overlaps itself) instead of systemd units" },
} as const;

function input(ctx: Parameters<Parameters<typeof command>[0]["run"]>[0]): TimerInput {
  const app = appFor(ctx);
  const raw = str(ctx.values.interval);
  const interval = raw === undefined ? app.config.reconciliation.initial_delay : Number(raw);
  if (!Number.isFinite(interval) || interval < 1 || !Number.isInteger(interval)) {
    throw new ClauderonError("usage", `--interval takes a whole number of seconds >= 1, got ${JSON.stringify(raw)}`);
  }
  const binary = process.execPath;
  if (basename(binary) === "bun" || basename(binary).startsWith("bun")) {
    throw new ClauderonError("failure", "timer needs the compiled clauderon binary (run it from dist/clauderon, not through bun)");
  }
  const paths = resolvePaths(app.env);
  const env: Record<string, string> = { CLAUDERON_HOME: paths.home };
  env.DOCKER_HOST = app.env.DOCKER_HOST || "unix:///var/run/docker.sock";
  // the same resolution the zellij backend uses, so the timer sees the user's sessions
  env.ZELLIJ_SOCKET_DIR = socketDirFor(app.env, app.config.zellij.socket_dir);
  if (app.env.CLAUDERON_ZELLIJ) env.CLAUDERON_ZELLIJ = app.env.CLAUDERON_ZELLIJ;
  if (app.env.PATH) env.PATH = app.env.PATH;
  const defaultHome = resolveHome({ HOME: app.env.HOME, XDG_CONFIG_HOME: app.env.XDG_CONFIG_HOME });
  const unitName = paths.home === defaultHome ? "clauderon-reconcile" : `clauderon-reconcile-${paths.homeHash.slice(0, 8)}`;
  return { binary, intervalSeconds: interval, env, unitName, logFile: join(paths.logsDir, "reconcile.log"), lockFile: join(paths.locksDir, "reconcile-cron.lock") };
}

const unitDir = (env: NodeJS.ProcessEnv) => join(env.XDG_CONFIG_HOME || join(env.HOME || homedir(), ".config"), "systemd", "user");

const enableHint = (name: string) =>
  `enable it with: systemctl --user daemon-reload && systemctl --user enable --now ${name}.timer\nto keep it running after you log out: loginctl enable-linger $USER`;

const print = command({
  name: "print",
  description: "Print the systemd user service and timer (or with --cron the crontab line) without installing",
  args,
  async run(ctx) {
    const i = input(ctx);
    if (ctx.json) return void printJson(bool(ctx.values.cron) ? { cron: cronLine(i) } : { unitName: i.unitName, service: serviceUnit(i), timer: timerUnit(i) });
    if (bool(ctx.values.cron)) return void writeOut(`${cronLine(i)}\n`);
    writeOut(`# ${i.unitName}.service\n${serviceUnit(i)}\n# ${i.unitName}.timer\n${timerUnit(i)}`);
  },
});

async function crontab(argv: string[], stdin?: string): Promise<{ code: number; out: string; err: string }> {
  const p = Bun.spawn(["crontab", ...argv], { stdin: stdin === undefined ? "ignore" : new TextEncoder().encode(stdin), stdout: "pipe", stderr: "pipe" });
  const [out, err, code] = await Promise.all([new Response(p.stdout).text(), new Response(p.stderr).text(), p.exited]);
  return { code, out, err };
}

async function editCrontab(marker: string, line: string | undefined): Promise<void> {
  if (!Bun.which("crontab")) {
    throw new ClauderonError("failure", `crontab is not installed${line ? `; add this line to your crontab by hand:\n${line}` : ""}`);
  }
  const cur = await crontab(["-l"]);
  const kept = (cur.code === 0 ? cur.out : "").split("\n").filter((l) => l && !l.endsWith(`# ${marker}`));
  if (line) kept.push(line);
  const r = await crontab(["-"], `${kept.join("\n")}\n`);
  if (r.code !== 0) throw new ClauderonError("failure", `crontab failed: ${r.err.trim()}`);
}

const install = command({
  name: "install",
  description: "Install a systemd user timer (or with --cron a crontab line) running 'clauderon reconcile'",
  args,
  async run(ctx) {
    const i = input(ctx);
    mkdirSync(join(i.env.CLAUDERON_HOME!, "logs"), { recursive: true, mode: 0o700 });
    if (bool(ctx.values.cron)) {
      await editCrontab(i.unitName, cronLine(i));
      if (ctx.json) return void printJson({ installed: "cron", line: cronLine(i) });
      return void writeOut(`installed crontab line:\n${cronLine(i)}\nlog: ${i.logFile}\n`);
    }
    const dir = unitDir(process.env);
    mkdirSync(dir, { recursive: true });
    const files = [join(dir, `${i.unitName}.service`), join(dir, `${i.unitName}.timer`)];
    writeFileSync(files[0]!, serviceUnit(i));
    writeFileSync(files[1]!, timerUnit(i));
    if (ctx.json) return void printJson({ installed: "systemd", files, enable: `systemctl --user daemon-reload && systemctl --user enable --now ${i.unitName}.timer` });
    writeOut(`wrote ${files.join(" and ")}\n${enableHint(i.unitName)}\n`);
  },
});

const uninstall = command({
  name: "uninstall",
  description: "Remove the systemd user units (or with --cron the crontab line)",
  args: { cron: args.cron },
  async run(ctx) {
    const i = input(ctx);
    if (bool(ctx.values.cron)) {
      await editCrontab(i.unitName, undefined);
      return void (ctx.json ? printJson({ removed: "cron" }) : writeOut("removed the crontab line\n"));
    }
    const dir = unitDir(process.env);
    const files = [join(dir, `${i.unitName}.service`), join(dir, `${i.unitName}.timer`)].filter((f) => existsSync(f));
    for (const f of files) rmSync(f);
    if (ctx.json) return void printJson({ removed: files });
    writeOut(files.length ? `removed ${files.join(" and ")}\nrun first if it was enabled: systemctl --user disable --now ${i.unitName}.timer\n` : "no units installed\n");
  },
});

export const subCommands = { print, install, uninstall };
