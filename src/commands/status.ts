import { command, str } from "../cli/command";
import { printJson, writeOut } from "../cli/output";
import { EXIT } from "../core/errors";
import { validateName } from "../core/names";
import { reportProblems, survey, surveyFailed, viewOf } from "../services/observe";
import { healthText, viewJson } from "../services/present";
import { appFor } from "./_shared";

export default command({
  name: "status",
  description: "Health of one or all sessions: state, description, details, available actions, reconcile tracking",
  args: { name: { type: "positional", description: "session name (all sessions when left out)", required: false } },
  async run(ctx) {
    const app = appFor(ctx);
    const name = str(ctx.values.name);
    if (name !== undefined) {
      validateName(name);
      const v = await viewOf(app, name);
      if (ctx.json) printJson(viewJson(app, v));
      else writeOut(`${healthText(app, v)}\n`);
      if (v.health.stale) {
        ctx.log.error(v.health.error);
        return EXIT.failure;
      }
      return;
    }
    const sv = await survey(app, { scanOrphans: true, persist: true });
    if (ctx.json) {
      printJson({ sessions: sv.views.map((v) => viewJson(app, v)), orphans: sv.orphans, foreign: sv.foreign, corrupt: sv.corrupt, errors: sv.errors });
    } else {
      writeOut(sv.views.length ? `${sv.views.map((v) => healthText(app, v)).join("\n\n")}\n` : "no sessions\n");
      for (const c of sv.corrupt) writeOut(`\nunreadable session file ${c.file}: ${c.error}\n`);
      if (sv.orphans.length) writeOut(`\n${sv.orphans.length} orphan(s): ${sv.orphans.map((o) => o.name).join(", ")} ('clauderon cleanup --orphans' removes them)\n`);
      reportProblems(ctx.log, sv);
    }
    if (surveyFailed(sv)) return EXIT.failure;
  },
});
