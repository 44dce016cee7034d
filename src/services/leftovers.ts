import { existsSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { confirm, isInteractive, printJson, writeOut } from "../cli/output";
import { ClauderonError, EXIT } from "../core/errors";
import { NAME_PATTERN } from "../core/names";
import { lockFile } from "../store/paths";
import { tryLock } from "../store/lock";
import type { App } from "./app";
import { survey } from "./observe";

interface Leftover {
  kind: "orphan" | "workspace" | "history" | "temporary-clone" | "lock";
  what: string;
  remove(): Promise<void>;
}

/** Directories under workspaces/ and history/ whose session has no file; interrupted temporary clones. */
function strayDirs(app: App, known: Set<string>): Leftover[] {
  const out: Leftover[] = [];
  const scan = (dir: string, kind: "workspace" | "history") => {
    if (!existsSync(dir)) return;
    for (const entry of readdirSync(dir)) {
      const p = join(dir, entry);
      const tmp = /^\.tmp-([a-z0-9-]+?)-(\d+)-[a-z0-9]+$/.exec(entry);
      if (tmp) {
        // a temporary clone is a leftover only when its creator is gone
        const pid = Number(tmp[2]);
        let alive = false;
        try {
          process.kill(pid, 0);
          alive = true;
        } catch {
          /* gone */
        }
        if (!alive) out.push({ kind: "temporary-clone", what: p, remove: async () => rmSync(p, { recursive: true, force: true }) });
        continue;
      }
      if (NAME_PATTERN.test(entry) && !known.has(entry)) {
        out.push({ kind, what: p, remove: async () => rmSync(p, { recursive: true, force: true }) });
      }
    }
  };
  scan(app.paths.workspacesDir, "workspace");
  scan(app.paths.historyDir, "history");
  if (existsSync(app.paths.locksDir)) {
    for (const entry of readdirSync(app.paths.locksDir)) {
      const n = entry.replace(/\.lock$/, "");
      if (entry.endsWith(".lock") && !known.has(n)) {
        const p = join(app.paths.locksDir, entry);
        out.push({
          kind: "lock",
          what: p,
          remove: async () => {
            const l = tryLock(lockFile(app.paths, n));
            if (!l) return; // someone is creating it right now
            rmSync(p, { force: true });
            l.release();
          },
        });
      }
    }
  }
  return out;
}

export async function cleanupLeftovers(app: App, o: { orphansOnly: boolean; yes: boolean }): Promise<number> {
  const sv = await survey(app, { scanOrphans: true, persist: false });
  if (sv.errors.length && !sv.orphans.length && o.orphansOnly) {
    throw new ClauderonError("unreachable", sv.errors.join("; "));
  }
  const known = new Set([...sv.views.map((v) => v.session.name), ...sv.corrupt.map((c) => c.name)]);
  const items: Leftover[] = [];
  for (const orphan of sv.orphans) {
    items.push({
      kind: "orphan",
      what: `${orphan.backend} ${orphan.name} (${orphan.id.slice(0, 12)})`,
      remove: async () => (await app.backend(orphan.backend)).removeOrphan(orphan),
    });
  }
  if (!o.orphansOnly) items.push(...strayDirs(app, known));
  const visible = items.filter((i) => i.kind !== "lock");
  if (!items.length) {
    if (app.json) printJson({ removed: [], errors: sv.errors });
    else writeOut(`nothing to clean up${sv.foreign ? ` (${sv.foreign} container(s) of another CLAUDERON_HOME not touched)` : ""}\n`);
    for (const e of sv.errors) app.log.error(e);
    return sv.errors.length ? EXIT.failure : EXIT.ok;
  }
  if (!app.json && visible.length) writeOut(`leftovers:\n${visible.map((i) => `  ${i.kind}: ${i.what}`).join("\n")}\n`);
  if (!o.yes && visible.length) {
    if (!isInteractive()) {
      throw new ClauderonError("unsaved-work", `${visible.length} leftover(s) found; run again with --yes to remove them (nothing was removed)`, {
        extra: { leftovers: visible.map((i) => ({ kind: i.kind, what: i.what })) },
      });
    }
    if (!(await confirm(`remove these ${visible.length} leftover(s)?`))) throw new ClauderonError("unsaved-work", "cancelled; nothing was removed");
  }
  const removed: { kind: string; what: string }[] = [];
  const failed: string[] = [];
  for (const i of items) {
    try {
      await i.remove();
      removed.push({ kind: i.kind, what: i.what });
    } catch (e) {
      failed.push(`${i.what}: ${(e as Error).message}`);
    }
  }
  if (app.json) printJson({ removed: removed.filter((r) => r.kind !== "lock"), errors: [...failed, ...sv.errors] });
  else writeOut(`removed ${removed.filter((r) => r.kind !== "lock").length} leftover(s)\n`);
  for (const f of failed) app.log.error(f);
  return failed.length ? EXIT.failure : EXIT.ok;
}
