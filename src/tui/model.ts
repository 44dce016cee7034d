import type { Action } from "../core/actions";
import { PRESERVATION } from "../core/preservation";
import type { Health } from "../core/states";

/** What the TUI shows of one session. */
export interface Row {
  name: string;
  backend: string;
  health: Health;
  tracking: { attempts: number; maxAttempts: number; nextAttemptAt: string | null; lastError: string | null; gaveUp: boolean };
}

export interface Model {
  rows: Row[];
  selected: number;
  modal: boolean;
  /** an action waiting for y/n */
  confirm?: { action: Action; force: boolean; question: string };
  message: string;
  busy: boolean;
}

export type Effect = { kind: "quit" } | { kind: "refresh" } | { kind: "run"; action: Action; name: string; force: boolean };

export const initial = (): Model => ({ rows: [], selected: 0, modal: false, message: "loading…", busy: true });

/** Keys in the health modal → action. */
export const ACTION_KEYS: Record<string, Action> = { s: "start", t: "stop", r: "recreate", f: "recreate-fresh", c: "cleanup" };
const KEY_OF: Record<Action, string> = { start: "s", stop: "t", recreate: "r", "recreate-fresh": "f", cleanup: "c" };

/** Pure key handling: the next model and what the shell must do. */
export function onKey(m: Model, key: string): { model: Model; effect?: Effect } {
  if (key === "\x03") return { model: m, effect: { kind: "quit" } }; // Ctrl-C
  if (m.confirm) {
    if (key === "y" || key === "Y") {
      const row = m.rows[m.selected];
      const c = m.confirm;
      return { model: { ...m, confirm: undefined, busy: true, message: `${c.action} ${row?.name}…` }, effect: row ? { kind: "run", action: c.action, name: row.name, force: c.force } : undefined };
    }
    return { model: { ...m, confirm: undefined, message: "cancelled" } };
  }
  const row = m.rows[m.selected];
  if (m.modal) {
    if (key === "\x1b" || key === "q" || key === "h") return { model: { ...m, modal: false } };
    const action = ACTION_KEYS[key];
    if (!action || !row) return { model: m };
    if (!row.health.actions.includes(action)) {
      return { model: { ...m, message: `${action} is not available while ${row.name} is ${row.health.state}` } };
    }
    if (action === "recreate-fresh" || action === "cleanup") {
      const q = action === "cleanup" ? `remove ${row.name}: workspace, history and record (uncommitted work is lost)? [y/N]` : `recreate ${row.name} fresh: uncommitted work is backed up, then removed from the workspace? [y/N]`;
      return { model: { ...m, confirm: { action, force: action === "cleanup", question: q } } };
    }
    return { model: { ...m, busy: true, message: `${action} ${row.name}…` }, effect: { kind: "run", action, name: row.name, force: false } };
  }
  switch (key) {
    case "q":
      return { model: m, effect: { kind: "quit" } };
    case "j":
    case "\x1b[B":
      return { model: { ...m, selected: Math.min(m.selected + 1, Math.max(0, m.rows.length - 1)) } };
    case "k":
    case "\x1b[A":
      return { model: { ...m, selected: Math.max(0, m.selected - 1) } };
    case "h":
    case "\r":
      return { model: row ? { ...m, modal: true } : m };
    case "R":
      return { model: { ...m, busy: true, message: "refreshing…" }, effect: { kind: "refresh" } };
    default:
      return { model: m };
  }
}

const pad = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s.padEnd(n));

/** Pure rendering to plain lines (the shell adds the cursor movement). */
export function render(m: Model, width: number): string[] {
  const lines = ["clauderon — sessions   (j/k move, h health & actions, R refresh, q quit)", ""];
  if (!m.rows.length) lines.push(m.busy ? "  loading…" : "  no sessions");
  m.rows.forEach((r, i) => {
    const mark = i === m.selected ? ">" : " ";
    const stale = r.health.stale ? "?" : "";
    lines.push(`${mark} ${pad(r.name, 24)} ${pad(r.backend, 7)} ${pad(r.health.state + stale, 18)} ${pad(r.health.description, Math.max(10, width - 56))}`);
  });
  const row = m.rows[m.selected];
  if (m.modal && row) {
    const h = row.health;
    lines.push("", `┌ health: ${row.name} ${"─".repeat(Math.max(0, Math.min(width, 80) - 12 - row.name.length))}`);
    lines.push(`│ state: ${h.state}${h.stale ? " (stale: backend unreachable)" : ""}`);
    lines.push(`│ ${h.description}`);
    lines.push(`│ recoverable: ${h.recoverable ? "yes" : "no"} (${h.recovery})`);
    if (h.error) lines.push(`│ error: ${h.error}`);
    const details = Object.entries(h.details).filter(([, v]) => v !== undefined && v !== null && v !== "");
    if (details.length) lines.push(`│ details: ${details.map(([k, v]) => `${k}=${typeof v === "object" ? JSON.stringify(v) : String(v)}`).join(" ")}`);
    const t = row.tracking;
    if (t.attempts || t.gaveUp) lines.push(`│ reconcile: ${t.attempts}/${t.maxAttempts} attempts${t.gaveUp ? ", gave up" : t.nextAttemptAt ? `, next ${t.nextAttemptAt}` : ""}${t.lastError ? `; last error: ${t.lastError}` : ""}`);
    lines.push("│ actions:");
    if (!h.actions.length) lines.push("│   (none)");
    for (const a of h.actions as Action[]) {
      const p = PRESERVATION[a];
      lines.push(`│   [${KEY_OF[a]}] ${pad(a, 15)} git ${p.git}; uncommitted ${p.uncommitted}; history ${p.chatHistory}`);
    }
    for (const b of h.blocked ?? []) lines.push(`│   ${b.action} blocked: ${b.reason}`);
    lines.push("└ Esc close");
  }
  lines.push("", m.confirm ? m.confirm.question : m.message);
  return lines.map((l) => (l.length > width ? l.slice(0, width) : l));
}
