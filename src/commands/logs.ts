import { existsSync, readFileSync } from "node:fs";
import { bool, command, str } from "../cli/command";
import { ClauderonError } from "../core/errors";
import { validateName } from "../core/names";
import { appFor, nameArg } from "./_shared";

export default command({
  name: "logs",
  description: "The agent's output (Docker logs, demultiplexed without a TTY; zellij screen dump)",
  args: {
    ...nameArg,
    tail: { type: "string", description: "only the last N lines", valueHint: "N" },
    follow: { type: "boolean", alias: "f", description: "keep streaming (Docker)" },
    previous: { type: "boolean", description: "the last lines of the resource the most recent recreate replaced" },
  },
  async run(ctx) {
    const app = appFor(ctx);
    const name = validateName(str(ctx.values.name));
    const tailRaw = str(ctx.values.tail);
    const tail = tailRaw === undefined ? undefined : Number(tailRaw);
    if (tail !== undefined && (!Number.isInteger(tail) || tail < 0)) throw new ClauderonError("usage", `--tail takes a whole number >= 0, got ${JSON.stringify(tailRaw)}`);
    const s = app.store.get(name);
    if (bool(ctx.values.previous)) {
      if (!s.previousLogs || !existsSync(s.previousLogs)) throw new ClauderonError("failure", `no previous logs kept for "${name}" (kept at each recreate)`);
      let text = readFileSync(s.previousLogs, "utf8");
      if (tail !== undefined) text = text.split("\n").slice(-(tail + 1)).join("\n");
      process.stdout.write(text);
      return;
    }
    const backend = await app.backend(s.backend);
    await backend.logs(s, { tail, follow: bool(ctx.values.follow) });
  },
});
