/** The `[reconciliation]` settings the schedule depends on (seconds). */
export interface BackoffSettings {
  initial_delay: number;
  backoff_multiplier: number;
  max_attempts: number;
  max_delay: number;
}

/** The wait before attempt n (1-based): min(initial * multiplier^(n-1), max_delay) seconds. */
export function delayBefore(n: number, s: BackoffSettings): number {
  if (n < 1) throw new RangeError(`attempt numbers start at 1, got ${n}`);
  return Math.min(s.initial_delay * s.backoff_multiplier ** (n - 1), s.max_delay);
}

/** The whole schedule, one delay per attempt. */
export function schedule(s: BackoffSettings): number[] {
  return Array.from({ length: s.max_attempts }, (_, i) => delayBefore(i + 1, s));
}

/** "30 s", "2 min", "1 h 5 min" */
export function formatSeconds(sec: number): string {
  if (sec < 60) return `${+sec.toFixed(2)} s`;
  if (sec < 3600) {
    const m = Math.floor(sec / 60);
    const r = Math.round(sec - m * 60);
    return r ? `${m} min ${r} s` : `${m} min`;
  }
  const h = Math.floor(sec / 3600);
  const m = Math.round((sec - h * 3600) / 60);
  return m ? `${h} h ${m} min` : `${h} h`;
}
