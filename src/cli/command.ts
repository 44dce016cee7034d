import { defineCommand, type ArgsDef, type CommandDef } from "citty";
import type { ConsolaInstance } from "consola";
import type { Parsed } from "./args";

export interface RunContext {
  values: Parsed["values"];
  rest: string[] | undefined;
  json: boolean;
  log: ConsolaInstance;
}

/** A clauderon command: citty metadata (help), strict args, and a run that returns an exit code. */
export interface ClauderonCommand {
  def: CommandDef;
  args: ArgsDef;
  /** flags that may be repeated and accumulate */
  multiple?: readonly string[];
  /** accepts argv after `--` */
  passthrough?: boolean;
  run(ctx: RunContext): Promise<number | void>;
}

export const jsonArg = { json: { type: "boolean", description: "machine-readable output on stdout" } } as const satisfies ArgsDef;

export function command<const A extends ArgsDef>(c: {
  name: string;
  description: string;
  args: A;
  multiple?: readonly string[];
  passthrough?: boolean;
  run(ctx: RunContext): Promise<number | void>;
}): ClauderonCommand {
  const args = { ...c.args, ...jsonArg } as ArgsDef;
  return {
    def: defineCommand({ meta: { name: c.name, description: c.description }, args }),
    args,
    multiple: c.multiple,
    passthrough: c.passthrough,
    run: c.run,
  };
}

export const str = (v: Parsed["values"][string]) => (typeof v === "string" ? v : undefined);
export const bool = (v: Parsed["values"][string]) => v === true;
export const list = (v: Parsed["values"][string]) => (Array.isArray(v) ? v : typeof v === "string" ? [v] : []);
