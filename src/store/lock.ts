import { dlopen, FFIType } from "bun:ffi";
import { closeSync, mkdirSync, openSync } from "node:fs";
import { dirname } from "node:path";

/**
 * Per-session locks are kernel file locks (flock(2)): the kernel releases them when the holder
 * dies, so a crashed process can never leave one held. Lock files are separate from session
 * files, because session files are replaced by rename on every write.
 */
const LOCK_EX = 2;
const LOCK_NB = 4;

let libc: { symbols: { flock: (fd: number, op: number) => number } } | undefined;
function flock(fd: number, op: number): number {
  libc ??= dlopen("libc.so.6", { flock: { args: [FFIType.i32, FFIType.i32], returns: FFIType.i32 } });
  return libc.symbols.flock(fd, op);
}

export interface Lock {
  release(): void;
}

/** Take the lock if free; undefined when another process holds it. */
export function tryLock(path: string): Lock | undefined {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const fd = openSync(path, "a", 0o600);
  if (flock(fd, LOCK_EX | LOCK_NB) !== 0) {
    closeSync(fd);
    return undefined;
  }
  let held = true;
  return {
    release() {
      if (!held) return;
      held = false;
      closeSync(fd); // closing the descriptor drops the flock
    },
  };
}

/** Wait for the lock, polling, up to timeoutMs; undefined on timeout. */
export async function waitLock(path: string, timeoutMs: number): Promise<Lock | undefined> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const l = tryLock(path);
    if (l || Date.now() >= deadline) return l;
    await Bun.sleep(50);
  }
}

/** Whether someone else holds the lock right now (take and drop it). */
export function isLocked(path: string): boolean {
  const l = tryLock(path);
  if (!l) return true;
  l.release();
  return false;
}
