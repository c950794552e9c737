import {DateTime} from 'luxon'

import {TIME_ZONE} from '../time.js'

/**
 * A day typed by the clerk, `2025-03-14` or `14/03/2025` (also `14-03-2025`, `14.03.2025`), as the
 * instant its day starts in the comune's time zone. Null when it is not a real day.
 */
export function parseDay(input: string, zone = TIME_ZONE): Date | null {
  const v = input.trim()
  let m = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(v)
  let parts: [number, number, number] | undefined
  if (m) parts = [Number(m[1]), Number(m[2]), Number(m[3])]
  else {
    m = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(v)
    if (m) parts = [Number(m[3]), Number(m[2]), Number(m[1])]
  }

  if (!parts) return null
  const [year, month, day] = parts
  const dt = DateTime.fromObject({day, month, year}, {zone})
  if (!dt.isValid || dt.day !== day || dt.month !== month) return null
  return dt.startOf('day').toJSDate()
}

/** YYYY-MM-DD of an instant in the comune's time zone (default export file names). */
export function dayStamp(now: Date, zone = TIME_ZONE): string {
  return DateTime.fromJSDate(now, {zone}).toFormat('yyyy-LL-dd')
}

/** True when an ISO timestamp is at or after `since`. */
export function atOrAfter(iso: string | undefined, since: Date): boolean {
  if (!iso) return false
  const t = Date.parse(iso)
  return Number.isFinite(t) && t >= since.getTime()
}
