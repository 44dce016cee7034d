#!/usr/bin/env bun
import { defineCommand, renderUsage } from "citty";
import { parseStrict } from "./cli/args";
import type { ClauderonCommand } from "./cli/command";
import { colorEnabled, makeLogger, printJson, stripAnsi, table } from "./cli/output";
import { ClauderonError, EXIT } from "./core/errors";

export const VERSION = "0.1.0";

type Loader = () => Promise<ClauderonCommand>;
const d = (p: Promise<{ default: ClauderonCommand }>) => p.then((m) => m.default);

/** Commands load lazily: only the one that runs is evaluated. */
const COMMANDS: Record<string, { description: string; load?: Loader; group?: () => Promise<Record<string, ClauderonCommand>> }> = {
  create: { description: "clone a repo and start an agent session", load: () => d(import("./commands/create")) },
  list: { description: "one line per session, then orphans", load: () => d(import("./commands/list")) },
  status: { description: "health of one or all sessions", load: () => d(import("./commands/status")) },
  inspect: { description: "everything about one session", load: () => d(import("./commands/inspect")) },
  logs: { description: "the agent's output", load: () => d(import("./commands/logs")) },
  attach: { description: "open the session's terminal", load: () => d(import("./commands/attach")) },
  start: { description: "start a Stopped session", load: () => d(import("./commands/start")) },
  stop: { description: "stop a Healthy session", load: () => d(import("./commands/stop")) },
  recreate: { description: "rebuild the resource (--fresh: from the committed state)", load: () => d(import("./commands/recreate")) },
  cleanup: { description: "remove a session, or leftovers/orphans", load: () => d(import("./commands/cleanup")) },
  delete: { description: "alias of cleanup <name>", load: () => d(import("./commands/delete")) },
  reconcile: { description: "one unattended recovery pass", load: () => d(import("./commands/reconcile")) },
  daemon: { description: "HTTP API (and background reconcile)", load: () => d(import("./commands/daemon")) },
  tui: { description: "interactive session list with a health modal", load: () => d(import("./commands/tui")) },
  timer: { description: "systemd user timer or cron line running reconcile", group: () => import("./commands/timer").then((m) => m.subCommands) },
  config: { description: "show, locate or validate the configuration", group: () => import("./commands/config").then((m) => m.subCommands) },
};

function mainUsage(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((c) => c.length));
  return [
    `clauderon ${VERSION}: keeps AI coding-agent sessions alive (Docker or zellij)`,
    "",
    "USAGE clauderon <command> [options]",
    "",
    "COMMANDS",
    ...Object.entries(COMMANDS).map(([n, c]) => `  ${n.padEnd(width)}  ${c.description}`),
    "",
    "Every command takes --json and -h/--help. Exit codes: 0 ok, 1 failure (backend unreachable included),",
    "2 bad usage, 3 not available in this state / would lose work, 4 no such session; reconcile 5 waiting, 6 gave up.",
    "",
  ].join("\n");
}

const out = (s: string) => process.stdout.write(colorEnabled() ? s : stripAnsi(s));

async function run(argv: string[]): Promise<number> {
  const dashdash = argv.indexOf("--");
  const before = dashdash >= 0 ? argv.slice(0, dashdash) : argv;
  const json = before.includes("--json");
  const log = makeLogger(json);
  try {
    const [first, ...restArgs] = argv;
    if (first === undefined || first === "-h" || first === "--help" || first === "help") {
      out(mainUsage());
      return first === undefined ? EXIT.usage : EXIT.ok;
    }
    if (first === "--version" || first === "-v") {
      out(`${VERSION}\n`);
      return EXIT.ok;
    }
    const entry = Object.hasOwn(COMMANDS, first) ? COMMANDS[first] : undefined;
    if (!entry) throw new ClauderonError("usage", `unknown command ${JSON.stringify(first)}; commands: ${Object.keys(COMMANDS).join(", ")}`);
    let cmd: ClauderonCommand;
    let args = restArgs;
    let label = first;
    if (entry.group) {
      const subs = await entry.group();
      const [sub, ...subArgs] = restArgs;
      if (sub === undefined || sub === "-h" || sub === "--help") {
        const rows = Object.entries(subs).map(([n, c]) => [`  ${n}`, (c.def.meta as { description?: string }).description ?? ""]);
        out(`USAGE clauderon ${first} <${Object.keys(subs).join("|")}> [options]\n\n${table(rows)}\n`);
        return sub === undefined ? EXIT.usage : EXIT.ok;
      }
      const found = Object.hasOwn(subs, sub) ? subs[sub] : undefined;
      if (!found) throw new ClauderonError("usage", `unknown subcommand ${JSON.stringify(sub)} for '${first}'; allowed: ${Object.keys(subs).join(", ")}`);
      cmd = found;
      args = subArgs;
      label = `${first} ${sub}`;
    } else cmd = await entry.load!();
    const parsed = parseStrict(args, cmd.args, cmd.multiple, label);
    if (parsed.help) {
      const parent = defineCommand({ meta: { name: label.includes(" ") ? `clauderon ${first}` : "clauderon" } });
      out(`${await renderUsage(cmd.def, parent)}\n`);
      return EXIT.ok;
    }
    if (parsed.rest !== undefined && !cmd.passthrough) throw new ClauderonError("usage", `'${label}' takes no arguments after '--'`);
    const code = await cmd.run({ values: parsed.values, rest: parsed.rest, json, log });
    return typeof code === "number" ? code : EXIT.ok;
  } catch (e) {
    if (e instanceof ClauderonError) {
      log.error(e.message);
      for (const h of e.hints) log.info(h);
      if (json) printJson({ error: e.message, code: e.code, ...e.extra });
      return e.exitCode;
    }
    log.error(e instanceof Error ? (e.stack ?? e.message) : String(e));
    if (json) printJson({ error: e instanceof Error ? e.message : String(e), code: "internal" });
    return EXIT.failure;
  }
}

const code = await run(process.argv.slice(2));
process.exitCode = code;
