/**
 * Message header formats (chat-formats.md §2–§3). A tolerant pattern finds candidate headers and
 * describes their layout; the most common layout becomes the file's format, and from then on only
 * lines with exactly that layout start a message (§6: continuation lines that look like headers).
 */

export type ChatPlatform = 'android' | 'ios' | 'legacy'

/** The exact layout of a file's message headers. */
export interface HeaderFormat {
  /** iOS `[` … `]`. */
  bracket: boolean
  dateSeparator: '-' | '.' | '/'
  /** hu/hr: a space after each date separator. */
  dateSpaced: boolean
  /** hu/hr: `2018.` — a dot after the last date field. */
  dateTrailingDot: boolean
  /** What follows the time: ` - ` (Android), `] ` (iOS), `: ` (old exports). */
  end: ' - ' | ': ' | '] '
  /** Text between date and time: `, `, ` `, ` klo `… */
  glue: string
  platform: ChatPlatform
  seconds: boolean
  timeSeparator: '.' | ':'
  twelveHour: boolean
  yearDigits: 2 | 4
  yearFirst: boolean
}

/** Raw numbers of one header; which field is the day is decided later. */
export interface HeaderFields {
  a: number
  b: number
  c: number
  hour: number
  minute: number
  second: number
}

const TOLERANT
  = /^[\u200E\u200F]*(\[?)(\d{1,4})([-./])( ?)(\d{1,2})\3\4(\d{1,4})(\.?)(,? (?:\p{L}{1,5}\.? )?)(\d{1,2})([.:])(\d{2})(?:\10(\d{2}))?(?:[ \u00A0\u202F]?([AaPp])\.?[ \u00A0\u202F]?[Mm]\.?)?(\](?: |$)| -(?: |$)|:(?: |$))/u

/** Lines worth a regex: digits, `[`, or the marks that may precede them. */
export function mayBeHeader(line: string): boolean {
  const c = line.codePointAt(0) ?? 0
  return (c >= 48 && c <= 57) || c === 91 || c === 0x20_0E || c === 0x20_0F
}

/** Describes the layout of a line that looks like a header, or null. */
export function describeHeader(line: string): HeaderFormat | null {
  if (!mayBeHeader(line)) return null
  const m = TOLERANT.exec(line)
  if (!m) return null
  const [, bracket, f1, sep, space, , f3, tdot, glue, hour, tsep, minute, second, ampm, endRaw] = m
  const end = endRaw[0] === ']' ? '] ' : (endRaw[0] === ':' ? ': ' : ' - ')
  if ((bracket === '[') !== (end === '] ')) return null
  const yearFirst = f1.length === 4
  if (f1.length === 3 || f3.length === 3 || (yearFirst && f3.length > 2) || (!yearFirst && f1.length > 2)) return null
  const year = yearFirst ? f1 : f3
  if (year.length !== 2 && year.length !== 4) return null
  if (!validTime(Number(hour), Number(minute), second === undefined ? 0 : Number(second), ampm !== undefined)) {
    return null
  }

  return {
    bracket: bracket === '[',
    dateSeparator: sep as HeaderFormat['dateSeparator'],
    dateSpaced: space === ' ',
    dateTrailingDot: tdot === '.',
    end,
    glue,
    platform: end === '] ' ? 'ios' : (end === ' - ' ? 'android' : 'legacy'),
    seconds: second !== undefined,
    timeSeparator: tsep as HeaderFormat['timeSeparator'],
    twelveHour: ampm !== undefined,
    yearDigits: year.length as 2 | 4,
    yearFirst,
  }
}

function validTime(hour: number, minute: number, second: number, twelveHour: boolean): boolean {
  return hour <= (twelveHour ? 12 : 23) && minute <= 59 && second <= 59
}

/** A stable key for counting layouts. */
export function formatKey(f: HeaderFormat): string {
  return [
    f.bracket ? '[' : '',
    f.dateSeparator,
    f.dateSpaced ? 's' : '',
    f.dateTrailingDot ? 't' : '',
    f.yearFirst ? 'Y' : 'y',
    f.yearDigits,
    JSON.stringify(f.glue),
    f.timeSeparator,
    f.seconds ? 'S' : '',
    f.twelveHour ? 'P' : '',
    f.end,
  ].join('|')
}

const escape = (s: string): string => s.replaceAll(/[$()*+.?[\\\]^{|}-]/g, String.raw`\$&`)

/** Matches exactly one header layout; exec() gives fields and where the rest of the line starts. */
export class StrictHeader {
  private readonly re: RegExp
  private readonly seconds: boolean
  private readonly twelveHour: boolean

  constructor(readonly format: HeaderFormat) {
    const sep = escape(format.dateSeparator) + (format.dateSpaced ? ' ' : '')
    const date = format.yearFirst
      ? String.raw`(\d{4})${sep}(\d{1,2})${sep}(\d{1,2})`
      : String.raw`(\d{1,2})${sep}(\d{1,2})${sep}(\d{${format.yearDigits}})`
    const ts = escape(format.timeSeparator)
    const time = String.raw`(\d{1,2})${ts}(\d{2})` + (format.seconds ? String.raw`${ts}(\d{2})` : '')
    const ampm = format.twelveHour ? String.raw`[ \u00A0\u202F]?([AaPp])\.?[ \u00A0\u202F]?[Mm]\.?` : ''
    const end = format.end === '] ' ? String.raw`\](?: |$)` : (format.end === ' - ' ? ' -(?: |$)' : ':(?: |$)')
    const parts = [
      String.raw`^[\u200E\u200F]*`,
      format.bracket ? String.raw`\[` : '',
      date,
      format.dateTrailingDot ? String.raw`\.` : '',
      escape(format.glue),
      time,
      ampm,
      end,
    ]
    this.re = new RegExp(parts.join(''))
    this.twelveHour = format.twelveHour
    this.seconds = format.seconds
  }

  /** Fields (in file order, year not yet expanded) and the rest-of-line offset, or null. */
  exec(line: string): (HeaderFields & {restStart: number}) | null {
    if (!mayBeHeader(line)) return null
    const m = this.re.exec(line)
    if (!m) return null
    let hour = Number(m[4])
    const minute = Number(m[5])
    const second = this.seconds ? Number(m[6]) : 0
    if (this.twelveHour) {
      if (hour > 12) return null
      const pm = (this.seconds ? m[7] : m[6]).toLowerCase() === 'p'
      if (hour === 12) hour = pm ? 12 : 0
      else if (pm) hour += 12
    } else if (hour > 23) return null
    if (minute > 59 || second > 59) return null
    return {
      a: Number(m[1]), b: Number(m[2]), c: Number(m[3]), hour, minute, restStart: m[0].length, second,
    }
  }
}
