import { command } from "../cli/command";
import { printJson, table, writeOut } from "../cli/output";
import { EXIT } from "../core/errors";
import { reportProblems, survey, surveyFailed } from "../services/observe";
import { shortDetail, viewJson } from "../services/present";
import { appFor } from "./_shared";

export default command({
  name: "list",
  description: "One line per session: name, backend, health state, short detail; then orphans",
  args: {},
  async run(ctx) {
    const app = appFor(ctx);
    const sv = await survey(app, { scanOrphans: true, persist: true });
    if (ctx.json) {
      printJson({
        sessions: sv.views.map((v) => viewJson(app, v)),
        orphans: sv.orphans,
        foreign: sv.foreign,
        corrupt: sv.corrupt,
        errors: sv.errors,
      });
    } else {
      const rows = [["NAME", "BACKEND", "STATE", "DETAIL"]];
      for (const v of sv.views) rows.push([v.session.name, v.session.backend, v.health.state + (v.health.stale ? "?" : ""), shortDetail(v.health)]);
      if (sv.views.length) writeOut(`${table(rows)}\n`);
      else writeOut("no sessions\n");
      for (const c of sv.corrupt) writeOut(`unreadable session file ${c.file}: ${c.error}\n`);
      if (sv.orphans.length) {
        writeOut(`\norphans (labelled clauderon resources with no session; 'clauderon cleanup --orphans' removes them):\n`);
        writeOut(`${table(sv.orphans.map((o) => [o.backend, o.name, o.id.slice(0, 12)]))}\n`);
      }
      if (sv.foreign) writeOut(`${sv.foreign} container(s) belong to another CLAUDERON_HOME (not touched)\n`);
      reportProblems(ctx.log, sv);
    }
    if (surveyFailed(sv)) return EXIT.failure;
  },
});
