import { command, str } from "../cli/command";
import { printJson, writeOut } from "../cli/output";
import { validateName } from "../core/names";
import { stopSession } from "../services/lifecycle";
import { viewOf } from "../services/observe";
import { viewJson } from "../services/present";
import { appFor, nameArg } from "./_shared";

export default command({
  name: "stop",
  description: "Stop a Healthy session; reconcile leaves it alone and it stays stopped across engine restarts",
  args: { ...nameArg },
  async run(ctx) {
    const app = appFor(ctx);
    const name = validateName(str(ctx.values.name));
    await stopSession(app, name);
    const v = await viewOf(app, name);
    if (ctx.json) printJson(viewJson(app, v));
    else writeOut(`stopped ${name}: ${v.health.state}\n`);
  },
});
