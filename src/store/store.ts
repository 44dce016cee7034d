import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, writeSync } from "node:fs";
import { join } from "node:path";
import * as v from "valibot";
import { ClauderonError } from "../core/errors";
import { NAME_PATTERN } from "../core/names";
import { type Paths, sessionFile } from "./paths";
import { type Session, type SessionEvent, SessionSchema } from "./schema";

/** A session file that could not be read or did not validate. Reported, never fatal to others. */
export interface CorruptSession {
  name: string;
  file: string;
  error: string;
}

const MAX_EVENTS = 200;

function ensureDir(dir: string) {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
}

/** Write a file atomically: temp file in the same directory, fsync, rename, fsync the directory. */
export function atomicWrite(path: string, data: string, mode = 0o600) {
  const dir = join(path, "..");
  ensureDir(dir);
  const tmp = join(dir, `.${path.split("/").pop()}.tmp-${process.pid}-${Math.random().toString(36).slice(2, 8)}`);
  const fd = openSync(tmp, "wx", mode);
  try {
    writeSync(fd, data);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  try {
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
  const dfd = openSync(dir, "r");
  try {
    fsyncSync(dfd);
  } finally {
    closeSync(dfd);
  }
}

function describeIssues(issues: v.BaseIssue<unknown>[]): string {
  return issues
    .slice(0, 3)
    .map((i) => `${(i.path ?? []).map((p) => String(p.key)).join(".") || "(root)"}: ${i.message}`)
    .join("; ");
}

export class SessionStore {
  constructor(readonly paths: Paths) {}

  file(name: string) {
    return sessionFile(this.paths, name);
  }

  exists(name: string) {
    return existsSync(this.file(name));
  }

  /** Read and validate one session; undefined if there is no file; throws ClauderonError("corrupt"). */
  read(name: string): Session | undefined {
    const file = this.file(name);
    let text: string;
    try {
      text = readFileSync(file, "utf8");
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ENOENT") return undefined;
      throw new ClauderonError("corrupt", `cannot read session file ${file}: ${(e as Error).message}`);
    }
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch (e) {
      throw new ClauderonError("corrupt", `session file ${file} is not valid JSON (${(e as Error).message}); fix or remove it`);
    }
    const r = v.safeParse(SessionSchema, data);
    if (!r.success) {
      throw new ClauderonError("corrupt", `session file ${file} does not match the session schema (${describeIssues(r.issues)}); fix or remove it`);
    }
    if (r.output.name !== name) {
      throw new ClauderonError("corrupt", `session file ${file} names session "${r.output.name}"; the file name and the name inside must agree`);
    }
    return r.output;
  }

  /** Read a session that must exist (exit 4 otherwise). */
  get(name: string): Session {
    const s = this.read(name);
    if (!s) {
      throw new ClauderonError("no-such-session", `no session named "${name}"`, { hints: ["'clauderon list' shows the sessions there are"] });
    }
    return s;
  }

  names(): string[] {
    if (!existsSync(this.paths.sessionsDir)) return [];
    return readdirSync(this.paths.sessionsDir)
      .filter((f) => f.endsWith(".json") && !f.startsWith("."))
      .map((f) => f.slice(0, -5))
      .sort();
  }

  /** All sessions; unreadable files are collected, never thrown. */
  list(): { sessions: Session[]; corrupt: CorruptSession[] } {
    const sessions: Session[] = [];
    const corrupt: CorruptSession[] = [];
    for (const name of this.names()) {
      if (!NAME_PATTERN.test(name)) {
        corrupt.push({ name, file: this.file(name), error: "file name is not a valid session name" });
        continue;
      }
      try {
        const s = this.read(name);
        if (s) sessions.push(s);
      } catch (e) {
        corrupt.push({ name, file: this.file(name), error: (e as Error).message });
      }
    }
    return { sessions, corrupt };
  }

  write(s: Session) {
    if (s.events.length > MAX_EVENTS) s.events = s.events.slice(-MAX_EVENTS);
    const r = v.safeParse(SessionSchema, s);
    if (!r.success) throw new Error(`internal error: refusing to write an invalid session (${describeIssues(r.issues)})`);
    atomicWrite(this.file(s.name), `${JSON.stringify(s, null, 2)}\n`);
  }

  remove(name: string) {
    rmSync(this.file(name), { force: true });
  }
}

export function addEvent(s: Session, at: number, type: string, message: string, data?: Record<string, unknown>) {
  const e: SessionEvent = { at: new Date(at).toISOString(), type, message };
  if (data) e.data = data;
  s.events.push(e);
}
