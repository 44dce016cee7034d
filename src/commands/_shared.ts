import type { ArgsDef } from "citty";
import type { RunContext } from "../cli/command";
import { makeApp, type App } from "../services/app";

export const nameArg = { name: { type: "positional", description: "session name", required: true } } as const satisfies ArgsDef;
export const yesArg = { yes: { type: "boolean", alias: "y", description: "do not ask; go ahead even if work would be lost" } } as const satisfies ArgsDef;

export const appFor = (ctx: RunContext): App => makeApp(ctx.log, ctx.json);
