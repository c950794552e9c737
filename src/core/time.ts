import {DateTime} from 'luxon'

/** The comune's time zone: every stored timestamp carries its offset. */
export const TIME_ZONE = 'Europe/Rome'

/** An instant as ISO 8601 with the Europe/Rome offset, seconds precision: 2025-03-14T09:21:00+01:00. */
export function toRomeIso(instant: Date | number, zone = TIME_ZONE): string {
  const ms = typeof instant === 'number' ? instant : instant.getTime()
  const dt = DateTime.fromMillis(Math.floor(ms / 1000) * 1000, {zone})
  return dt.toISO({includeOffset: true, suppressMilliseconds: true}) as string
}

export interface WallClock {
  day: number
  hour: number
  minute: number
  month: number
  second: number
  year: number
}

/**
 * A wall-clock time read in a chat export (no zone) as ISO 8601 with the offset in force then.
 * In the autumn fold the earlier (summer-time) reading is taken; a time in the spring gap,
 * which no phone writes, is moved forward by luxon. Returns null for impossible dates (31/02).
 */
export function wallClockToIso(w: WallClock, zone = TIME_ZONE): null | string {
  let dt = DateTime.fromObject(w, {zone})
  if (!dt.isValid) return null
  if (dt.day !== w.day || dt.month !== w.month) return null
  const earlier = dt.getPossibleOffsets()[0]
  if (earlier) dt = earlier
  return dt.toISO({includeOffset: true, suppressMilliseconds: true})
}

/**
 * For a wall-clock time in the autumn fold (the hour repeated when clocks go back), read as wallClockToIso does
 * (the earlier, summer-time reading): the later reading of the same wall clock. Null when the time is not ambiguous.
 */
export function foldLaterIso(iso: string, zone = TIME_ZONE): null | string {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})/.exec(iso)
  if (!m) return null
  const [year, month, day, hour, minute, second] = m.slice(1).map(Number)
  const dt = DateTime.fromObject({
    day, hour, minute, month, second, year,
  }, {zone})
  const offsets = dt.isValid ? dt.getPossibleOffsets() : []
  if (offsets.length < 2) return null
  return offsets.at(-1)!.toISO({includeOffset: true, suppressMilliseconds: true})
}

/** Unix seconds (as webhooks carry them, often as strings) to ISO with the Rome offset. */
export function unixSecondsToIso(seconds: number | string, zone = TIME_ZONE): null | string {
  const n = typeof seconds === 'string' ? Number(seconds) : seconds
  if (!Number.isFinite(n) || n <= 0) return null
  return toRomeIso(n * 1000, zone)
}

/** Parses a stored ISO timestamp; null when it is not one. */
export function parseIso(value: string): Date | null {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(value)) return null
  const d = new Date(value)
  return Number.isNaN(d.getTime()) ? null : d
}

/** Italian reading of a stored timestamp: 14/03/2025 09:21. */
export function formatItalian(iso: string, zone = TIME_ZONE): string {
  const d = parseIso(iso)
  if (!d) return iso
  return DateTime.fromJSDate(d, {zone}).toFormat('dd/LL/yyyy HH:mm')
}

/** Italian date only: 14/03/2025. */
export function formatItalianDate(iso: string, zone = TIME_ZONE): string {
  const d = parseIso(iso)
  if (!d) return iso
  return DateTime.fromJSDate(d, {zone}).toFormat('dd/LL/yyyy')
}
