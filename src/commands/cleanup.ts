import { bool, command, str } from "../cli/command";
import { confirm, isInteractive, printJson, writeOut } from "../cli/output";
import { ClauderonError } from "../core/errors";
import { validateName } from "../core/names";
import { cleanupSession } from "../services/lifecycle";
import { appFor, nameArg, yesArg } from "./_shared";

export default command({
  name: "cleanup",
  description:
    "Remove a session: its resource, workspace, chat history and record (asks when work would be lost). Without a name: remove leftovers (orphans, stray directories, interrupted clones). --orphans: remove orphaned containers/sessions only.",
  args: {
    name: { ...nameArg.name, required: false },
    orphans: { type: "boolean", description: "remove clauderon-labelled resources that have no session file" },
    ...yesArg,
  },
  async run(ctx) {
    const name = str(ctx.values.name);
    const yes = bool(ctx.values.yes);
    const app = appFor(ctx);
    if (name === undefined || bool(ctx.values.orphans)) {
      if (name !== undefined) throw new ClauderonError("usage", "--orphans takes no session name");
      const { cleanupLeftovers } = await import("../services/leftovers");
      return cleanupLeftovers(app, { orphansOnly: bool(ctx.values.orphans), yes });
    }
    validateName(name);
    const r = await cleanupSession(app, name, {
      confirmLoss: async (risk) => {
        if (yes) return true;
        if (!isInteractive()) return false;
        return confirm(`cleanup ${name} would lose: ${risk.join(", ")}. Remove it anyway?`);
      },
    });
    if (ctx.json) return void printJson({ name, removed: true, paths: r.removed, backupsKept: r.backupsKept });
    writeOut(`removed session ${name}\n`);
    if (r.backupsKept.length) writeOut(`backups kept: ${r.backupsKept.join(", ")}\n`);
  },
});
