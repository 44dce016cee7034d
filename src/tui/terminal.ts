import type { App } from "../services/app";
import { cleanupSession, recreateSession, startSession, stopSession } from "../services/lifecycle";
import { survey } from "../services/observe";
import { trackingJson } from "../services/present";
import { initial, onKey, render, type Effect, type Model } from "./model";

/** The terminal shell around the pure model: raw keys in, full redraws out. */
export async function runTui(app: App): Promise<number> {
  const out = process.stdout;
  let m: Model = initial();
  const draw = () => {
    const width = out.columns || 100;
    out.write(`\x1b[H\x1b[2J${render(m, width).join("\r\n")}`);
  };
  const refresh = async () => {
    const sv = await survey(app, { scanOrphans: false, persist: true });
    const rows = sv.views.map((v) => ({ name: v.session.name, backend: v.session.backend, health: v.health, tracking: trackingJson(app, v.session) }));
    const errors = sv.errors.length ? `  ${sv.errors[0]}` : "";
    m = { ...m, rows, selected: Math.min(m.selected, Math.max(0, rows.length - 1)), busy: false, message: `${rows.length} session(s), updated ${new Date(app.clock.now()).toLocaleTimeString()}${errors}` };
  };
  const run = async (e: Extract<Effect, { kind: "run" }>) => {
    try {
      if (e.action === "start") await startSession(app, e.name);
      else if (e.action === "stop") await stopSession(app, e.name);
      else if (e.action === "recreate" || e.action === "recreate-fresh") await recreateSession(app, e.name, { fresh: e.action === "recreate-fresh" });
      else await cleanupSession(app, e.name, { confirmLoss: async () => e.force });
      m = { ...m, modal: false };
      await refresh();
      m = { ...m, message: `${e.action} ${e.name}: done` };
    } catch (err) {
      await refresh().catch(() => undefined);
      m = { ...m, busy: false, message: `${e.action} ${e.name} failed: ${(err as Error).message}` };
    }
  };
  out.write("\x1b[?1049h\x1b[?25l");
  process.stdin.setRawMode(true);
  process.stdin.resume();
  const restore = () => {
    process.stdin.setRawMode(false);
    out.write("\x1b[?25h\x1b[?1049l");
  };
  try {
    draw();
    await refresh().catch((e) => (m = { ...m, busy: false, message: (e as Error).message }));
    draw();
    const timer = app.config.health.background_checks
      ? setInterval(() => void refresh().then(draw, () => undefined), app.config.health.check_interval * 1000)
      : undefined;
    for await (const chunk of process.stdin as AsyncIterable<Buffer>) {
      const key = chunk.toString("utf8");
      const r = onKey(m, key);
      m = r.model;
      draw();
      if (r.effect?.kind === "quit") break;
      if (r.effect?.kind === "refresh") await refresh().catch((e) => (m = { ...m, busy: false, message: (e as Error).message }));
      if (r.effect?.kind === "run") await run(r.effect);
      draw();
    }
    if (timer) clearInterval(timer);
  } finally {
    restore();
    process.stdin.pause();
  }
  return 0;
}
