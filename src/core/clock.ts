/** Time is injected everywhere decisions depend on it, so the core is testable without sleeps. */
export interface Clock {
  now(): number;
}
export const systemClock: Clock = { now: () => Date.now() };
export const fixedClock = (t: number | string): Clock => ({ now: () => (typeof t === "string" ? Date.parse(t) : t) });
export const iso = (t: number) => new Date(t).toISOString();
