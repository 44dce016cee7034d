import { command, str } from "../cli/command";
import { printJson, writeOut } from "../cli/output";
import { CONTAINER_LOCAL_NOTE, PRESERVATION } from "../core/preservation";
import { ClauderonError, EXIT } from "../core/errors";
import { validateName } from "../core/names";
import * as git from "../git/git";
import { workspacePath } from "../store/paths";
import { viewOf } from "../services/observe";
import { describeDetails, healthText, redactEnv, viewJson } from "../services/present";
import { appFor, nameArg } from "./_shared";

export default command({
  name: "inspect",
  description: "Everything about one session: record, live backend details, health, actions, tracking, git status, backups, events",
  args: { ...nameArg, events: { type: "string", description: "how many recent events to show (default 20)", valueHint: "N" } },
  async run(ctx) {
    const app = appFor(ctx);
    const name = validateName(str(ctx.values.name));
    const n = Number(str(ctx.values.events) ?? 20);
    if (!Number.isInteger(n) || n < 0) throw new ClauderonError("usage", `--events takes a whole number >= 0, got ${JSON.stringify(str(ctx.values.events))}`);
    const s0 = app.store.get(name);
    const v = await viewOf(app, name);
    const s = v.session;
    let live: Record<string, unknown> = {};
    let liveError: string | undefined;
    if (!v.health.stale) {
      try {
        live = await (await app.backend(s.backend)).details(s);
      } catch (e) {
        liveError = (e as Error).message;
      }
    } else liveError = v.health.error;
    const ws = await git.workspaceStatus(workspacePath(app.paths, name), s.config.baseCommit);
    const actions = v.health.actions.map((a) => ({ action: a, preserves: PRESERVATION[a as keyof typeof PRESERVATION] }));
    const out = {
      ...viewJson(app, v),
      record: { ...s0, config: { ...s0.config, env: redactEnv(s0.config.env) }, events: undefined },
      live,
      liveError: liveError ?? null,
      actions,
      git: { ...ws, atRisk: git.workAtRisk(ws) },
      backupsDetail: s.backups,
      previousLogs: s.previousLogs,
      events: s.events.slice(-n),
    };
    if (ctx.json) printJson(out);
    else {
      const lines = [healthText(app, v), ""];
      lines.push(`resource: ${s.resource.name}${s.resource.id ? ` (${s.resource.id.slice(0, 12)})` : ""}`);
      lines.push(`config: repo=${s.config.repo} branch=${s.config.branch ?? "(default)"} work-branch=${s.config.workBranch} base=${s.config.baseCommit.slice(0, 12)}`);
      if (s.config.image) lines.push(`        image=${s.config.image}`);
      lines.push(`        command=${JSON.stringify(s.config.command)} agent=${s.config.agent}`);
      const envKeys = Object.keys(s.config.env);
      if (envKeys.length) lines.push(`        env: ${envKeys.map((k) => `${k}=<redacted>`).join(" ")}`);
      if (Object.keys(live).length) lines.push(`live: ${describeDetails(live)}`);
      if (liveError) lines.push(`live: unavailable (${liveError})`);
      lines.push(`workspace: ${out.workspace} (${ws.state}${ws.branch ? `, on ${ws.branch}` : ""})`);
      if (ws.state === "ok") {
        lines.push(`  ${ws.dirty.length} uncommitted/untracked file(s), ${ws.ahead} commit(s) ahead of base, ${ws.stashes} stash(es), ${ws.ignored} ignored`);
        for (const d of ws.dirty.slice(0, 20)) lines.push(`    ${d}`);
      }
      lines.push(`history: ${out.historyDir}`);
      lines.push("actions and what they keep:");
      for (const a of actions) lines.push(`  ${a.action}: git ${a.preserves.git}; uncommitted ${a.preserves.uncommitted}; chat history ${a.preserves.chatHistory}`);
      if (s.backend === "docker") lines.push(`  note: ${CONTAINER_LOCAL_NOTE}`);
      lines.push(`backups: ${s.backups.length ? "" : "(none)"}`);
      for (const b of s.backups) lines.push(`  ${b.path} (${b.at}, ${b.reason})`);
      if (s.previousLogs) lines.push(`previous logs: ${s.previousLogs}`);
      lines.push("recent events:");
      for (const e of out.events) lines.push(`  ${e.at}  ${e.type}: ${e.message}`);
      writeOut(`${lines.join("\n")}\n`);
    }
    if (v.health.stale) {
      ctx.log.error(v.health.error);
      return EXIT.failure;
    }
  },
});
