// When the automatic day close is due: DAY_CLOSE_AT is a wall-clock time in the shop's time zone, so
// its instant moves with daylight saving time. Pure, so the unit tests can walk through DST changes.

export type DayCloseAt = { hour: number; minute: number };

/** "23:00" → { hour: 23, minute: 0 }; undefined when it is not a 24-hour HH:MM time. */
export function parseDayCloseAt(text: string): DayCloseAt | undefined {
  const match = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(text.trim());
  return match ? { hour: Number(match[1]), minute: Number(match[2]) } : undefined;
}

export function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

type LocalParts = { year: number; month: number; day: number; hour: number; minute: number; second: number };

function localParts(at: Date, timeZone: string): LocalParts {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' }).formatToParts(at);
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  return { year: get('year'), month: get('month'), day: get('day'), hour: get('hour'), minute: get('minute'), second: get('second') };
}

/** The zone's offset from UTC at an instant, in ms (positive east of Greenwich). */
function offsetMs(at: Date, timeZone: string): number {
  const p = localParts(at, timeZone);
  return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) - Math.floor(at.getTime() / 1000) * 1000;
}

/** The instant a local wall time happens (a time that DST skips resolves an hour later). */
function instantOf(year: number, month: number, day: number, at: DayCloseAt, timeZone: string): Date {
  const wall = Date.UTC(year, month - 1, day, at.hour, at.minute);
  let guess = wall - offsetMs(new Date(wall), timeZone);
  guess = wall - offsetMs(new Date(guess), timeZone);
  return new Date(guess);
}

const isoDay = (year: number, month: number, day: number) => `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;

/**
 * The latest day close that is due at `now`: its local date (the key that makes it happen once) and
 * the instant it fell due. Today's when the time has passed, else yesterday's.
 */
export function latestDueDayClose(now: Date, at: DayCloseAt, timeZone: string): { day: string; dueAt: Date } {
  const today = localParts(now, timeZone);
  const todayDue = instantOf(today.year, today.month, today.day, at, timeZone);
  if (todayDue.getTime() <= now.getTime()) return { day: isoDay(today.year, today.month, today.day), dueAt: todayDue };
  const y = new Date(Date.UTC(today.year, today.month - 1, today.day - 1));
  const [year, month, day] = [y.getUTCFullYear(), y.getUTCMonth() + 1, y.getUTCDate()];
  return { day: isoDay(year, month, day), dueAt: instantOf(year, month, day, at, timeZone) };
}

/** The next instant a day close falls due after `now`: the same wall time on the next local date. */
export function nextDayCloseAfter(now: Date, at: DayCloseAt, timeZone: string): Date {
  const [year, month, day] = latestDueDayClose(now, at, timeZone).day.split('-').map(Number) as [number, number, number];
  const next = new Date(Date.UTC(year, month - 1, day + 1));
  return instantOf(next.getUTCFullYear(), next.getUTCMonth() + 1, next.getUTCDate(), at, timeZone);
}
