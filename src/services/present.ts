import type { Health } from "../core/states";
import { historyPath, workspacePath } from "../store/paths";
import type { Session } from "../store/schema";
import type { App } from "./app";
import type { SessionView } from "./observe";

/** Environment values are never shown: only their names. */
export const redactEnv = (env: Record<string, string>) => Object.fromEntries(Object.keys(env).map((k) => [k, "<redacted>"]));

export function trackingJson(app: App, s: Session) {
  const t = s.reconcile;
  return {
    attempts: t.attempts,
    maxAttempts: app.config.reconciliation.max_attempts,
    lastAttemptAt: t.lastAttemptAt,
    nextAttemptAt: t.nextAttemptAt,
    lastError: t.lastError,
    gaveUp: t.gaveUp,
  };
}

/** The Session object of the contract (plus extra fields). */
export function sessionJson(app: App, s: Session, health: Health) {
  return {
    name: s.name,
    backend: s.backend,
    health,
    reconcile: trackingJson(app, s),
    workspace: workspacePath(app.paths, s.name),
    historyDir: historyPath(app.paths, s.name),
    backups: s.backups.map((b) => b.path),
    resource: { name: s.resource.name, id: s.resource.id },
    config: { ...s.config, env: redactEnv(s.config.env) },
    createdAt: s.createdAt,
    lastError: s.lastError,
  };
}

export const viewJson = (app: App, v: SessionView) => sessionJson(app, v.session, v.health);

/** A short human detail for one line of `list`. */
export function shortDetail(h: Health): string {
  if (h.stale) return `(last known; backend unreachable: ${h.error})`;
  return h.description;
}

export function describeDetails(details: Record<string, unknown>): string {
  return Object.entries(details)
    .filter(([, v]) => v !== undefined && v !== null && v !== "")
    .map(([k, v]) => `${k}=${typeof v === "object" ? JSON.stringify(v) : String(v)}`)
    .join(" ");
}

/** Several lines about one session's health, for `status`. */
export function healthText(app: App, v: SessionView): string {
  const { session: s, health: h } = v;
  const lines = [`${s.name}  ${h.state}${h.stale ? " (stale)" : ""}  [${s.backend}]`, `  ${h.description}`];
  if (h.stale) lines.push(`  backend unreachable: ${h.error}`, "  nothing will act on this session until the backend answers");
  const d = describeDetails(h.details);
  if (d) lines.push(`  details: ${d}`);
  lines.push(`  actions: ${h.actions.length ? h.actions.join(", ") : "(none)"}`);
  for (const b of h.blocked ?? []) lines.push(`  ${b.action} is blocked: ${b.reason}`);
  const t = s.reconcile;
  if (t.attempts || t.gaveUp || t.nextAttemptAt) {
    const max = app.config.reconciliation.max_attempts;
    const parts = [`${t.attempts}/${max} attempts`];
    if (t.lastAttemptAt) parts.push(`last attempt at ${t.lastAttemptAt}`);
    if (t.gaveUp) parts.push("gave up (a manual start, recreate or cleanup resets this)");
    else if (t.nextAttemptAt) parts.push(`next attempt at ${t.nextAttemptAt}`);
    if (t.lastError) parts.push(`last error: ${t.lastError}`);
    lines.push(`  reconcile: ${parts.join("; ")}`);
  }
  if (s.lastError) lines.push(`  last error (${s.lastError.action}, ${s.lastError.at}): ${s.lastError.message}`);
  return lines.join("\n");
}
