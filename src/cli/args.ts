import type { ArgsDef } from "citty";
import { usageError } from "../core/errors";

/**
 * A strict parser over citty arg definitions (citty 0.2.2 has no strict mode, no repeated flags
 * and no verbatim `--`): unknown flags → exit 2, flags listed in `multiple` accumulate, and
 * everything after the first `--` is passed through untouched (including --help).
 */
export interface Parsed {
  values: Record<string, string | boolean | string[] | undefined>;
  positionals: string[];
  /** argv after `--`, or undefined when there was no `--` */
  rest: string[] | undefined;
  help: boolean;
}

export function parseStrict(argv: string[], def: ArgsDef, multiple: readonly string[] = [], command = ""): Parsed {
  const values: Parsed["values"] = {};
  const positionals: string[] = [];
  let rest: string[] | undefined;
  let help = false;
  const flags = new Map<string, string>();
  for (const [name, d] of Object.entries(def)) {
    if (d.type === "positional") continue;
    flags.set(name, name);
    const alias = "alias" in d ? d.alias : undefined;
    for (const a of Array.isArray(alias) ? alias : alias ? [alias] : []) flags.set(a, name);
  }
  const allowed = () =>
    [...Object.entries(def)]
      .filter(([, d]) => d.type !== "positional")
      .map(([n]) => `--${n}`)
      .concat("--help")
      .join(", ");
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    if (a === "--") {
      rest = argv.slice(i + 1);
      break;
    }
    if (a === "-h" || a === "--help") {
      help = true;
      continue;
    }
    if (a.startsWith("-") && a !== "-") {
      const eq = a.indexOf("=");
      const rawName = a.replace(/^--?/, "").slice(0, eq >= 0 ? eq - (a.startsWith("--") ? 2 : 1) : undefined);
      let name = flags.get(rawName);
      let negated = false;
      if (!name && rawName.startsWith("no-") && def[rawName.slice(3)]?.type === "boolean") {
        name = rawName.slice(3);
        negated = true;
      }
      if (!name) throw usageError(`unknown option ${a.split("=")[0]}${command ? ` for '${command}'` : ""}; allowed: ${allowed()}`);
      const d = def[name]!;
      if (d.type === "boolean") {
        if (eq >= 0) throw usageError(`option --${name} takes no value`);
        values[name] = !negated;
        continue;
      }
      let val: string | undefined;
      if (eq >= 0) val = a.slice(eq + 1);
      else {
        val = argv[i + 1];
        if (val === undefined || (val.startsWith("-") && val !== "-")) throw usageError(`option --${name} needs a value${d.valueHint ? ` (${d.valueHint})` : ""}`);
        i++;
      }
      if (d.type === "enum" && d.options && !d.options.includes(val)) {
        throw usageError(`invalid value ${JSON.stringify(val)} for --${name}; allowed: ${d.options.join(", ")}`);
      }
      if (multiple.includes(name)) values[name] = [...((values[name] as string[] | undefined) ?? []), val];
      else if (values[name] !== undefined) throw usageError(`option --${name} given twice`);
      else values[name] = val;
      continue;
    }
    positionals.push(a);
  }
  if (help) return { values, positionals, rest, help };
  const posDefs = Object.entries(def).filter(([, d]) => d.type === "positional");
  if (positionals.length > posDefs.length) {
    throw usageError(`unexpected argument ${JSON.stringify(positionals[posDefs.length])}${command ? ` for '${command}'` : ""}${rest === undefined && posDefs.length === 0 ? "" : ""}`);
  }
  posDefs.forEach(([name, d], i) => {
    if (positionals[i] !== undefined) values[name] = positionals[i];
    else if (d.required) throw usageError(`missing argument <${name}>${command ? ` for '${command}'` : ""}`);
  });
  for (const [name, d] of Object.entries(def)) {
    if (d.type !== "positional" && d.required && values[name] === undefined) throw usageError(`missing required option --${name}`);
    if (values[name] === undefined && d.default !== undefined) values[name] = d.default as string | boolean;
  }
  return { values, positionals, rest, help };
}
