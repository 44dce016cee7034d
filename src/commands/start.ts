import { command, str } from "../cli/command";
import { printJson, writeOut } from "../cli/output";
import { validateName } from "../core/names";
import { startSession } from "../services/lifecycle";
import { viewOf } from "../services/observe";
import { viewJson } from "../services/present";
import { appFor, nameArg } from "./_shared";

export default command({
  name: "start",
  description: "Start a Stopped session (restores its restart policy; nothing is lost)",
  args: { ...nameArg },
  async run(ctx) {
    const app = appFor(ctx);
    const name = validateName(str(ctx.values.name));
    await startSession(app, name);
    const v = await viewOf(app, name);
    if (ctx.json) printJson(viewJson(app, v));
    else writeOut(`started ${name}: ${v.health.state}\n`);
  },
});
