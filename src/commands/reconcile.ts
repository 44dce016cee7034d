import { bool, command, str } from "../cli/command";
import { printJson, writeOut } from "../cli/output";
import { EXIT } from "../core/errors";
import { validateName } from "../core/names";
import { reconcilePass, type PassReport } from "../services/reconcile";
import { appFor } from "./_shared";

function human(r: PassReport, dryRun: boolean): string {
  const lines: string[] = [];
  for (const e of r.sessions) {
    if (e.action === "none" && e.result === "skipped" && !e.error) continue;
    let l = `${e.name}: ${e.stateBefore} → ${e.action}`;
    if (e.result !== "skipped") l += ` ${e.result}`;
    if (e.stateAfter !== e.stateBefore) l += ` (now ${e.stateAfter})`;
    l += ` [attempts ${e.attempts}${e.nextAttemptAt ? `, next ${e.nextAttemptAt}` : ""}]`;
    if (e.backup) l += ` backup: ${e.backup}`;
    if (e.error) l += ` error: ${e.error}`;
    else l += ` (${e.reason})`;
    lines.push(l);
  }
  for (const o of r.orphans) lines.push(`orphan: ${o.backend} ${o.name} (not touched; 'clauderon cleanup --orphans' removes it)`);
  const count = (f: (e: PassReport["sessions"][number]) => boolean) => r.sessions.filter(f).length;
  lines.push(
    `${dryRun ? "dry run: " : ""}${r.sessions.length} session(s): ${count((e) => e.result === "ok")} recovered, ${count((e) => e.result === "failed")} failed, ${count((e) => e.action === "wait" || e.action === "mark-missing")} waiting, ${count((e) => e.action === "give-up" || e.action === "needs-person")} need a person, ${count((e) => e.action === "busy")} busy; ${r.orphans.length} orphan(s)`,
  );
  return `${lines.join("\n")}\n`;
}

/** Errors also go to stderr, so a timer's journal and a script's 2> see them. */
function reportErrors(log: { error: (m: string) => void }, r: PassReport) {
  const seen = new Set<string>();
  for (const e of [...r.errors, ...r.sessions.filter((x) => x.error && x.result !== "failed").map((x) => `${x.name}: ${x.error}`)]) {
    if (!seen.has(e)) log.error(e);
    seen.add(e);
  }
}

export default command({
  name: "reconcile",
  description:
    "One unattended recovery pass: recreate Error/Missing sessions, recreate-fresh crash loops (after a backup), with backoff and a hard stop. Exit 0 all settled, 5 waiting/busy, 6 gave up or needs a person, 1 backend unreachable.",
  args: {
    name: { type: "positional", description: "only this session", required: false },
    "dry-run": { type: "boolean", description: "print the plan; change nothing anywhere" },
    watch: { type: "boolean", description: "keep running passes until interrupted (SIGINT/SIGTERM)" },
    now: { type: "boolean", description: "skip the backoff wait for this pass (still counts the attempt)" },
  },
  async run(ctx) {
    const app = appFor(ctx);
    const name = str(ctx.values.name);
    if (name !== undefined) validateName(name);
    const dryRun = bool(ctx.values["dry-run"]);
    const opts = { only: name, dryRun, skipWait: bool(ctx.values.now) };
    if (!bool(ctx.values.watch)) {
      const r = await reconcilePass(app, opts);
      if (ctx.json) printJson({ sessions: r.sessions, orphans: r.orphans, foreign: r.foreign, errors: r.errors, exitCode: r.exitCode });
      else writeOut(human(r, dryRun));
      reportErrors(ctx.log, r);
      return r.exitCode;
    }
    // --watch: passes until a signal; a signal ends it cleanly between steps
    let stop = false;
    let wake: (() => void) | undefined;
    const onSignal = () => {
      stop = true;
      wake?.();
    };
    process.on("SIGINT", onSignal);
    process.on("SIGTERM", onSignal);
    let code: number = EXIT.ok;
    while (!stop) {
      const r = await reconcilePass(app, { ...opts, skipWait: false });
      code = r.exitCode;
      if (ctx.json) process.stdout.write(`${JSON.stringify({ at: new Date(app.clock.now()).toISOString(), ...r })}\n`);
      else writeOut(human(r, dryRun));
      reportErrors(ctx.log, r);
      if (stop) break;
      const soonest = r.sessions
        .map((e) => (e.nextAttemptAt ? Date.parse(e.nextAttemptAt) - app.clock.now() : Number.POSITIVE_INFINITY))
        .reduce((a, b) => Math.min(a, b), app.config.health.check_interval * 1000);
      const waitMs = Math.max(250, soonest);
      await new Promise<void>((res) => {
        const t = setTimeout(res, waitMs);
        wake = () => {
          clearTimeout(t);
          res();
        };
      });
      wake = undefined;
    }
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
    return stop ? EXIT.ok : code;
  },
});
