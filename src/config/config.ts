import { existsSync, readFileSync } from "node:fs";
import { parse, TomlError } from "smol-toml";
import * as v from "valibot";
import { ClauderonError } from "../core/errors";
import { describeType, KEYS, type KeySpec, type KeyType } from "./keys";

type Typed<T extends KeyType> = T extends { kind: "bool" }
  ? boolean
  : T extends { kind: "number" }
    ? number
    : T extends { kind: "string" }
      ? string
      : string[];

export type Config = {
  [S in keyof typeof KEYS]: { [K in keyof (typeof KEYS)[S]]: (typeof KEYS)[S][K] extends { type: infer T extends KeyType } ? Typed<T> : never };
};

function fieldSchema(spec: KeySpec) {
  const t = spec.type;
  const msg = describeType(t);
  let s: v.GenericSchema;
  switch (t.kind) {
    case "bool":
      s = v.boolean(msg);
      break;
    case "number":
      s = v.pipe(
        v.number(msg),
        v.check((n) => Number.isFinite(n), msg),
        v.check((n) => (t.minExclusive ? n > t.min : n >= t.min), msg),
        v.check((n) => !t.integer || Number.isInteger(n), msg),
      );
      break;
    case "string":
      s = t.oneOf ? v.picklist(t.oneOf as unknown as string[], msg) : v.pipe(v.string(msg), v.check((x) => !t.nonEmpty || x.length > 0, msg));
      break;
    case "string[]":
      s = v.pipe(v.array(v.string(msg), msg), v.check((a) => !t.nonEmpty || a.length > 0, msg));
      break;
  }
  return v.optional(s, spec.default as never);
}

function buildSchema() {
  const sections: Record<string, v.GenericSchema> = {};
  for (const [section, keys] of Object.entries(KEYS)) {
    const fields: Record<string, v.GenericSchema> = {};
    for (const [key, spec] of Object.entries(keys)) fields[key] = fieldSchema(spec as KeySpec);
    sections[section] = v.optional(v.strictObject(fields, (i) => `unknown key`), {});
  }
  return v.strictObject(sections, () => `unknown section`);
}

export const ConfigSchema = buildSchema();

/** Find the line of `[section]` / `key =` in TOML text, for error messages. */
export function locate(text: string, section?: string, key?: string): number | undefined {
  const lines = text.split("\n");
  let current = "";
  let sectionLine: number | undefined;
  for (let i = 0; i < lines.length; i++) {
    const line = (lines[i] ?? "").trim();
    const h = /^\[\s*([^\]]+?)\s*\]/.exec(line);
    if (h) {
      current = h[1] ?? "";
      if (section && current === section && !key) return i + 1;
      if (section && current === section) sectionLine = i + 1;
      continue;
    }
    const k = /^["']?([A-Za-z0-9_-]+)["']?\s*=/.exec(line);
    if (k && key && k[1] === key && current === (section ?? "")) return i + 1;
    // dotted keys at top level: reconciliation.max_attempts = 3
    const dk = /^([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)\s*=/.exec(line);
    if (dk && current === "" && dk[1] === section && dk[2] === key) return i + 1;
  }
  return sectionLine;
}

function keyValueShown(input: unknown): string {
  try {
    return JSON.stringify(input) ?? String(input);
  } catch {
    return String(input);
  }
}

/** Validate parsed TOML; throws a ClauderonError naming file, line, key and what is allowed. */
export function validateConfig(data: unknown, text: string, file: string): Config {
  const r = v.safeParse(ConfigSchema, data);
  if (r.success) return r.output as unknown as Config;
  const problems = r.issues.map((issue) => {
    const path = (issue.path ?? []).map((p) => String(p.key));
    const [section, key] = path;
    const line = locate(text, section, key);
    const where = `${file}${line ? `:${line}` : ""}`;
    if (path.length === 1 && section && !(section in KEYS)) {
      return `${where}: unknown section [${section}]; allowed sections: ${Object.keys(KEYS).map((s) => `[${s}]`).join(", ")}`;
    }
    const known = section ? (KEYS as Record<string, Record<string, KeySpec>>)[section] : undefined;
    if (section && key && known && !(key in known)) {
      return `${where}: unknown key "${key}" in [${section}]; allowed keys: ${Object.keys(known).join(", ")}`;
    }
    if (section && !key) return `${where}: [${section}] must be a table of keys`;
    const spec = known && key ? known[key] : undefined;
    const expected = spec ? describeType(spec.type) : issue.message;
    const got = issue.input === undefined ? "" : `, got ${keyValueShown(issue.input)}`;
    return `${where}: [${section}] ${key}: expected ${expected}${got}`;
  });
  const uniq = [...new Set(problems)];
  throw new ClauderonError("invalid-config", `invalid configuration:\n  ${uniq.join("\n  ")}`, { extra: { problems: uniq } });
}

/** Parse TOML text and validate it. */
export function parseConfig(text: string, file: string): Config {
  let data: unknown;
  try {
    data = parse(text);
  } catch (e) {
    if (e instanceof TomlError) {
      const first = e.message.split("\n")[0];
      throw new ClauderonError("invalid-config", `invalid configuration:\n  ${file}:${e.line}:${e.column}: TOML syntax error: ${first}`);
    }
    throw e;
  }
  return validateConfig(data, text, file);
}

export const defaults = (): Config => parseConfig("", "<defaults>");

/** Load the config file if it exists (every key has a default). */
export function loadConfig(file: string): Config {
  if (!existsSync(file)) return defaults();
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    throw new ClauderonError("invalid-config", `cannot read ${file}: ${(e as Error).message}`);
  }
  return parseConfig(text, file);
}
