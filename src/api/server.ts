import { randomBytes, timingSafeEqual } from "node:crypto";
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, writeSync } from "node:fs";
import { join } from "node:path";
import * as v from "valibot";
import { ClauderonError, type ErrorCode } from "../core/errors";
import { NAME_PATTERN, NAME_RULE } from "../core/names";
import type { App } from "../services/app";
import { cleanupSession, recreateSession, startSession, stopSession } from "../services/lifecycle";
import { survey, viewOf } from "../services/observe";
import { viewJson } from "../services/present";
import { reconcilePass, type PassReport } from "../services/reconcile";

/** The API token: created exclusively with mode 0600 on first start, read afterwards. */
export function apiToken(app: App): string {
  const file = join(app.paths.home, "api-token");
  if (!existsSync(file)) {
    mkdirSync(app.paths.home, { recursive: true, mode: 0o700 });
    try {
      const fd = openSync(file, "wx", 0o600);
      writeSync(fd, `${randomBytes(32).toString("hex")}\n`);
      closeSync(fd);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
    }
  }
  const token = readFileSync(file, "utf8").trim();
  if (token.length < 16) throw new ClauderonError("failure", `${file} holds no usable token (remove it to make a new one)`);
  return token;
}

const STATUS: Partial<Record<ErrorCode, number>> = {
  usage: 400,
  "invalid-name": 400,
  "no-such-session": 404,
  "not-available": 409,
  blocked: 409,
  "unsaved-work": 409,
  busy: 409,
  unreachable: 502,
};

const json = (status: number, body: unknown) => Response.json(body, { status });
const errorBody = (status: number, code: string, error: string, extra: Record<string, unknown> = {}) => json(status, { error, code, ...extra });

export function errorResponse(e: unknown): Response {
  if (e instanceof ClauderonError) {
    const status = STATUS[e.code] ?? 500;
    const extra: Record<string, unknown> = {};
    if (Array.isArray(e.extra.actions)) extra.actions = e.extra.actions;
    if (e.extra.wouldLose) extra.wouldLose = e.extra.wouldLose;
    return errorBody(status, e.code === "not-available" || e.code === "blocked" ? "not-available" : e.code, e.message, extra);
  }
  return errorBody(500, "internal", (e as Error).message ?? String(e));
}

const RecreateBody = v.strictObject({ image: v.optional(v.string()), backend: v.optional(v.picklist(["docker", "zellij"])) });
const CleanupBody = v.strictObject({ force: v.optional(v.boolean()) });
const EmptyBody = v.strictObject({});

async function body<T extends v.GenericSchema>(req: Request, schema: T): Promise<v.InferOutput<T>> {
  const text = await req.text();
  let data: unknown = {};
  if (text.trim()) {
    try {
      data = JSON.parse(text);
    } catch {
      throw new ClauderonError("usage", "the request body is not valid JSON");
    }
  }
  const r = v.safeParse(schema, data);
  if (!r.success) {
    const i = r.issues[0]!;
    const where = (i.path ?? []).map((p) => String(p.key)).join(".");
    throw new ClauderonError("usage", `invalid request body${where ? ` at "${where}"` : ""}: ${i.message}`);
  }
  return r.output;
}

export interface ApiServerOptions {
  /** called after a response that came from a backend error (the daemon schedules a pass) */
  onBackendError?: () => void;
}

/** The request handler: routes of the contract's HTTP API over the same services as the CLI. */
export function makeHandler(app: App, token: string, o: ApiServerOptions = {}) {
  const expected = Buffer.from(`Bearer ${token}`);
  const authorized = (req: Request) => {
    const got = Buffer.from(req.headers.get("authorization") ?? "");
    return got.length === expected.length && timingSafeEqual(got, expected);
  };
  const one = async (name: string) => viewJson(app, await viewOf(app, name));
  return async (req: Request): Promise<Response> => {
    if (!authorized(req)) return errorBody(401, "unauthorized", "missing or wrong bearer token");
    const url = new URL(req.url);
    const parts = url.pathname.split("/").filter(Boolean);
    try {
      if (parts[0] !== "api") return errorBody(404, "not-found", `no route ${req.method} ${url.pathname}`);
      if (parts.length === 2 && parts[1] === "sessions" && req.method === "GET") {
        const sv = await survey(app, { scanOrphans: true, persist: true });
        return json(200, { sessions: sv.views.map((x) => viewJson(app, x)), orphans: sv.orphans, foreign: sv.foreign, errors: sv.errors });
      }
      if (parts.length === 2 && parts[1] === "reconcile" && req.method === "POST") {
        await body(req, EmptyBody);
        const r = await reconcilePass(app, { dryRun: false, skipWait: false });
        return json(200, reportJson(r));
      }
      if (parts[1] === "sessions" && parts.length >= 3) {
        const name = decodeURIComponent(parts[2]!);
        if (!NAME_PATTERN.test(name)) throw new ClauderonError("invalid-name", `invalid session name ${JSON.stringify(name)}: ${NAME_RULE}`);
        const action = parts[3];
        if (parts.length === 3 && req.method === "GET") return json(200, await one(name));
        if (parts.length === 4 && action === "health" && req.method === "GET") return json(200, (await one(name)).health);
        if (parts.length === 4 && req.method === "POST") {
          switch (action) {
            case "start":
              await body(req, EmptyBody);
              await startSession(app, name);
              return json(200, await one(name));
            case "stop":
              await body(req, EmptyBody);
              await stopSession(app, name);
              return json(200, await one(name));
            case "recreate":
            case "recreate-fresh": {
              const b = await body(req, RecreateBody);
              const r = await recreateSession(app, name, { fresh: action === "recreate-fresh", image: b.image, backend: b.backend });
              return json(200, { ...(await one(name)), backup: r.backup ?? null });
            }
            case "cleanup": {
              const b = await body(req, CleanupBody);
              await cleanupSession(app, name, { confirmLoss: async () => b.force === true });
              return json(200, { name, removed: true });
            }
          }
        }
      }
      return errorBody(404, "not-found", `no route ${req.method} ${url.pathname}`);
    } catch (e) {
      const res = errorResponse(e);
      if (res.status === 502 || (e instanceof ClauderonError && e.code === "backend")) o.onBackendError?.();
      return res;
    }
  };
}

export const reportJson = (r: PassReport) => ({ sessions: r.sessions, orphans: r.orphans, foreign: r.foreign, errors: r.errors, exitCode: r.exitCode });

export const isLoopback = (host: string) => host === "localhost" || host === "::1" || host === "[::1]" || /^127\.\d+\.\d+\.\d+$/.test(host);
