/**
 * The injected clock. SQL receives `clock.now()` as a parameter (never `now()`), so tests can move
 * time for deadlines, overdue flags and the New Year reference rollover.
 */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** A clock that tests (and test-mode servers, through the `HUB_CLOCK_OFFSET_MS` mechanism) can move. */
export class AdjustableClock implements Clock {
  constructor(
    private offsetMs = 0,
    private fixed: Date | null = null,
  ) {}
  now(): Date {
    return this.fixed ? new Date(this.fixed.getTime()) : new Date(Date.now() + this.offsetMs);
  }
  set(at: Date | null): void {
    this.fixed = at;
  }
  advance(ms: number): void {
    if (this.fixed) this.fixed = new Date(this.fixed.getTime() + ms);
    else this.offsetMs += ms;
  }
}

const VN_TZ = 'Asia/Ho_Chi_Minh';

/** Calendar parts of an instant in Asia/Ho_Chi_Minh (reference year, statistics months, form 05 halves). */
export function vnDateParts(at: Date): { year: number; month: number; day: number } {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone: VN_TZ, year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(at);
  const get = (t: string) => Number(parts.find((p) => p.type === t)?.value);
  return { year: get('year'), month: get('month'), day: get('day') };
}

export const HOUR_MS = 3_600_000;
export const addHours = (at: Date, hours: number): Date => new Date(at.getTime() + hours * HOUR_MS);
