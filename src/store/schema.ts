import * as v from "valibot";
import { NAME_PATTERN } from "../core/names";
import type { Tracking } from "../core/reconcile-plan";
import { STATES } from "../core/states";

const isoDate = v.pipe(v.string(), v.isoTimestamp());
const nullableIso = v.nullable(isoDate);

export const EventSchema = v.object({
  at: isoDate,
  type: v.string(),
  message: v.string(),
  data: v.optional(v.record(v.string(), v.unknown())),
});
export type SessionEvent = v.InferOutput<typeof EventSchema>;

export const SessionConfigSchema = v.object({
  /** the repository as given (absolute path for a local one) */
  repo: v.string(),
  /** branch cloned from; null = the repository's default */
  branch: v.nullable(v.string()),
  /** the branch the session works on */
  workBranch: v.string(),
  /** commit the work branch started from ("commits ahead" are counted from it) */
  baseCommit: v.string(),
  image: v.nullable(v.string()),
  /** agent argv */
  command: v.array(v.string()),
  /** appended to `command` when resuming a conversation (agent "claude") */
  resumeArgs: v.array(v.string()),
  /** "claude": the configured agent (resumes its conversation); "custom": an argv given after `--` */
  agent: v.picklist(["claude", "custom"]),
  env: v.record(v.string(), v.string()),
});
export type SessionConfig = v.InferOutput<typeof SessionConfigSchema>;

export const ReconcileSchema = v.object({
  attempts: v.pipe(v.number(), v.integer(), v.minValue(0)),
  /** when the current problem was first seen by a pass */
  problemSince: nullableIso,
  lastAttemptAt: nullableIso,
  nextAttemptAt: nullableIso,
  lastError: v.nullable(v.string()),
  gaveUp: v.boolean(),
  /** hash of the session config the tracking belongs to (a changed config starts fresh) */
  specHash: v.nullable(v.string()),
  /** the last unattended recreate-fresh: never two without a stable period in between */
  lastFreshAt: nullableIso,
  /** when the current healthy run was first seen (for the reset after 2 × max_delay) */
  healthySince: nullableIso,
});
export type ReconcileTracking = v.InferOutput<typeof ReconcileSchema>;
// the stored tracking and the planner's Tracking (core/plan.ts) are one shape
const _sameShape: [ReconcileTracking, Tracking] = [{} as Tracking, {} as ReconcileTracking];
void _sameShape;

export const SessionSchema = v.object({
  schema: v.literal(1),
  name: v.pipe(v.string(), v.regex(NAME_PATTERN)),
  backend: v.picklist(["docker", "zellij"]),
  createdAt: isoDate,
  config: SessionConfigSchema,
  /** the endpoint the session lives on: later calls must reach the same one */
  endpoint: v.object({
    dockerHost: v.optional(v.string()),
    engineId: v.optional(v.string()),
    socketDir: v.optional(v.string()),
  }),
  resource: v.object({
    name: v.string(),
    id: v.nullable(v.string()),
    seen: v.boolean(),
    removedByUs: v.boolean(),
    stoppedByUs: v.boolean(),
    deletionAcknowledged: v.boolean(),
    /** restart count right after the last start by clauderon (reconcile verification) */
    restartCountAtStart: v.optional(v.number()),
  }),
  operation: v.nullable(
    v.object({
      kind: v.picklist(["create", "recreate", "recreate-fresh", "start", "stop", "cleanup"]),
      pid: v.number(),
      startedAt: isoDate,
    }),
  ),
  lastKnown: v.nullable(
    v.object({
      state: v.picklist(STATES),
      description: v.string(),
      details: v.record(v.string(), v.unknown()),
      at: isoDate,
    }),
  ),
  lastError: v.nullable(v.object({ action: v.string(), message: v.string(), at: isoDate })),
  reconcile: ReconcileSchema,
  backups: v.array(v.object({ path: v.string(), at: isoDate, reason: v.string() })),
  /** where the last lines of the resource replaced by the most recent recreate were kept */
  previousLogs: v.nullable(v.string()),
  events: v.array(EventSchema),
});
export type Session = v.InferOutput<typeof SessionSchema>;
