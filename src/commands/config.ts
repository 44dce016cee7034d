import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { command, str } from "../cli/command";
import { printJson, writeOut } from "../cli/output";
import { parseConfig } from "../config/config";
import { KEYS, describeType } from "../config/keys";
import { formatSeconds, schedule } from "../core/backoff";
import { ClauderonError } from "../core/errors";
import { resolvePaths } from "../store/paths";
import { appFor } from "./_shared";

const show = command({
  name: "show",
  description: "Effective configuration with defaults, and the resulting backoff schedule",
  args: {},
  async run(ctx) {
    const app = appFor(ctx);
    const sched = schedule(app.config.reconciliation);
    if (ctx.json) return void printJson({ file: app.paths.configFile, exists: existsSync(app.paths.configFile), config: app.config, backoffSchedule: sched });
    const lines = [`# ${app.paths.configFile}${existsSync(app.paths.configFile) ? "" : " (absent: all defaults)"}`];
    for (const [section, keys] of Object.entries(KEYS)) {
      lines.push("", `[${section}]`);
      for (const [key, spec] of Object.entries(keys)) {
        const val = (app.config as unknown as Record<string, Record<string, unknown>>)[section]![key];
        lines.push(`${key} = ${JSON.stringify(val)}  # ${spec.doc}; ${describeType(spec.type)}; default ${JSON.stringify(spec.default)}`);
      }
    }
    lines.push("", `# backoff schedule: ${sched.map((s, i) => `attempt ${i + 1} after ${formatSeconds(s)}`).join(", ")}; then give up`);
    writeOut(`${lines.join("\n")}\n`);
  },
});

const path = command({
  name: "path",
  description: "Where the configuration is read from",
  args: {},
  async run(ctx) {
    const p = resolvePaths();
    if (ctx.json) printJson({ home: p.home, config: p.configFile, exists: existsSync(p.configFile) });
    else writeOut(`${p.configFile}\n`);
  },
});

const validate = command({
  name: "validate",
  description: "Check a configuration file (default: the one in use)",
  args: { file: { type: "positional", description: "file to check", required: false } },
  async run(ctx) {
    const given = str(ctx.values.file);
    const file = resolve(given ?? resolvePaths().configFile);
    if (!existsSync(file)) {
      if (given !== undefined) throw new ClauderonError("invalid-config", `no such file: ${file}`);
      if (ctx.json) return void printJson({ file, valid: true, exists: false });
      return void writeOut(`${file}: absent (every key has its default)\n`);
    }
    const cfg = parseConfig(readFileSync(file, "utf8"), file);
    if (ctx.json) printJson({ file, valid: true, backoffSchedule: schedule(cfg.reconciliation) });
    else writeOut(`${file}: valid\n`);
  },
});

export const subCommands = { show, path, validate };
