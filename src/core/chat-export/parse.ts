/**
 * Parses the text of one WhatsApp "Export chat" file into messages. Pure; never throws on any
 * string: problems come back as a ChatError.
 */

import {foldLaterIso, type WallClock, wallClockToIso} from '../time.js'
import {
  batchDateOrder,
  type DateOrder,
  type DateOrderDecision,
  type DateOrderEvidence,
  type DateOrderOptions,
  decideDateOrder,
  decideFromEvidence,
} from './date-order.js'
import {
  describeHeader, formatKey, type HeaderFields, type HeaderFormat, StrictHeader,
} from './header.js'
import {
  DELETED, GROUP_SYSTEM, ITALIAN_MARKERS, MEDIA_LINE, MEDIA_OMITTED, SYSTEM_AUTHOR_MARKERS,
} from './locale.js'
import {normalizeAuthor, stripInvisible} from './text.js'
import {type ChatTitle, chatTitles} from './title.js'

export type ChatErrorReason = 'binary' | 'empty' | 'invalid-date' | 'unrecognized-format'

/** Why a text could not be read as a chat; `line` is 1-based. */
export interface ChatError {
  detail?: string
  line?: number
  reason: ChatErrorReason
}

export type MessageKind = 'deleted' | 'media' | 'system' | 'text'

export interface ChatMessage {
  /** Normalised author; null for system lines without one. */
  author: null | string
  kind: MessageKind
  /** 1-based line of the header. */
  line: number
  /** The wall clock as ISO 8601 with the Europe/Rome offset. */
  receivedAt: string
  /** True for system notices, with or without an author (iOS attributes them, §7). */
  system: boolean
  /** Text with invisible marks removed; lines joined with \n. */
  text: string
}

export interface ParsedChat {
  /** Header-looking lines kept as continuations (strict layout, iOS line ends, impossible dates). */
  continuationHeaders: number
  dateOrder: DateOrder
  dateOrderReason: DateOrderDecision['reason']
  evidence: DateOrderEvidence
  format: HeaderFormat
  /** A system notice shows this is a group. */
  group: boolean
  lineCount: number
  messages: ChatMessage[]
  /** Titles read from the names given, in priority order. */
  titles: ChatTitle[]
}

export type ChatParseResult = {chat: ParsedChat; ok: true} | {error: ChatError; ok: false}

export interface ScanOptions {
  defaultCountry?: string
  /** File, zip and folder names of the export, most specific first: title and locale evidence. */
  names?: readonly string[]
}

export interface ParseOptions extends DateOrderOptions, ScanOptions {}

interface Candidate extends HeaderFields {
  index: number
  restStart: number
}

/** A file read up to the date-order decision. Build messages with buildChat(). */
export interface ChatScan {
  /** @internal */
  readonly candidates: Candidate[]
  /** @internal */
  readonly demoted: number
  readonly evidence: DateOrderEvidence
  readonly format: HeaderFormat
  /** @internal */
  readonly lines: string[]
  readonly titles: ChatTitle[]
}

export type ChatScanResult = {error: ChatError; ok: false} | {ok: true; scan: ChatScan}

/** Lines read to pick the header layout. */
const DETECT_LINES = 2000
/** Enough agreeing headers to stop looking. */
const DETECT_ENOUGH = 300

function splitLines(text: string): {crlf: Uint8Array; lines: string[]} {
  const lines = !text.includes('\n') && text.includes('\r') ? text.split('\r') : text.split('\n')
  if (lines.length > 1 && lines.at(-1) === '') lines.pop()
  const crlf = new Uint8Array(lines.length)
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i]
    if (l.codePointAt(l.length - 1) === 13) {
      lines[i] = l.slice(0, -1)
      crlf[i] = 1
    }
  }

  return {crlf, lines}
}

const BLANK = /^[\s\u200B\u200E\u200F\u202A-\u202E\u2060\u2066-\u2069\uFEFF]*$/

function firstNonBlank(lines: string[]): number {
  for (let i = 0; i < lines.length; i++) if (!BLANK.test(lines[i])) return i
  return -1
}

/** The most common header layout among the first lines; ties go to the earliest seen. */
function detectFormat(lines: string[]): HeaderFormat | null {
  const counts = new Map<string, {count: number; format: HeaderFormat}>()
  let best: null | {count: number; format: HeaderFormat} = null
  const limit = Math.min(lines.length, DETECT_LINES)
  for (let i = 0; i < limit; i++) {
    const f = describeHeader(lines[i])
    if (!f) continue
    const key = formatKey(f)
    let entry = counts.get(key)
    if (!entry) {
      entry = {count: 0, format: f}
      counts.set(key, entry)
    }

    entry.count++
    if (!best || entry.count > best.count) best = entry
    if (best.count >= DETECT_ENOUGH) break
  }

  return best?.format ?? null
}

function stripBom(text: string): string {
  let i = 0
  while (text.codePointAt(i) === 0xFE_FF) i++
  return i === 0 ? text : text.slice(i)
}

/** Content-based: does this text start like a WhatsApp chat export? */
export function looksLikeChatExport(text: string): boolean {
  if (typeof text !== 'string') return false
  const head = stripBom(text.slice(0, 200_000))
  if (head.includes('\u0000')) return false
  const {lines} = splitLines(head)
  const format = detectFormat(lines)
  if (!format) return false
  const first = firstNonBlank(lines)
  return first !== -1 && new StrictHeader(format).exec(lines[first]) !== null
}

function localeEvidence(
  titles: ChatTitle[],
  format: HeaderFormat,
  firstHeader: string,
  lines: string[],
): DateOrderEvidence['locale'] {
  if (titles.some(t => t.prefixLocale === 'it')) return {cue: 'italian-title', order: 'dmy'}
  for (const line of lines) {
    if (line.length > 10 && ITALIAN_MARKERS.some(m => line.includes(m))) return {cue: 'italian-text', order: 'dmy'}
  }

  // en_US writes upper-case AM/PM; en_IN (day first) writes am/pm.
  if (format.twelveHour && titles.some(t => t.prefixLocale === 'en') && /[AP]M/.test(firstHeader)) {
    return {cue: 'english-title-ampm', order: 'mdy'}
  }

  return null
}

/** Reads headers and gathers the date-order evidence. */
export function scanChat(input: string, options: ScanOptions = {}): ChatScanResult {
  if (typeof input !== 'string') return {error: {reason: 'empty'}, ok: false}
  const text = stripBom(input)
  const nul = text.indexOf('\u0000')
  if (nul !== -1) {
    return {error: {line: lineOfOffset(text, nul), reason: 'binary'}, ok: false}
  }

  const {crlf, lines} = splitLines(text)
  const first = firstNonBlank(lines)
  if (first === -1) return {error: {reason: 'empty'}, ok: false}
  const format = detectFormat(lines)
  if (!format) return {error: {line: first + 1, reason: 'unrecognized-format'}, ok: false}
  const strict = new StrictHeader(format)

  const candidates: Candidate[] = []
  let crlfBefore = 0
  let lfBefore = 0
  for (let i = first; i < lines.length; i++) {
    const m = strict.exec(lines[i])
    if (!m) {
      if (i === first) return {error: {line: first + 1, reason: 'unrecognized-format'}, ok: false}
      continue
    }

    if (i > first) {
      if (crlf[i - 1]) crlfBefore++
      else lfBefore++
    }

    const c = m as Candidate
    c.index = i
    candidates.push(c)
  }

  // iOS ends a message with \r\n and a typed line break with \n (§1.2): a header after \n is text.
  let kept = candidates
  if (format.platform === 'ios' && crlfBefore > 0 && lfBefore > 0 && crlfBefore >= lfBefore && hasBareLf(crlf, lines.length)) {
    kept = candidates.filter(c => c.index === first || crlf[c.index - 1] === 1)
  }

  let firstOver12 = 0
  let secondOver12 = 0
  if (!format.yearFirst) {
    for (const c of kept) {
      if (c.a > 12) firstOver12++
      if (c.b > 12) secondOver12++
    }
  }

  const partial = {
    firstOver12, locale: null, secondOver12, yearFirst: format.yearFirst,
  }
  const titles = chatTitles(options.names ?? [], options.defaultCountry)
  let evidence: DateOrderEvidence
  const decided = decideFromEvidence(partial)
  if (decided) {
    evidence = {...partial, decided}
  } else {
    const locale = localeEvidence(titles, format, lines[first], lines)
    const withLocale = {...partial, locale}
    evidence = {...withLocale, decided: decideFromEvidence(withLocale)}
  }

  return {
    ok: true,
    scan: {
      candidates: kept, demoted: candidates.length - kept.length, evidence, format, lines, titles,
    },
  }
}

function hasBareLf(crlf: Uint8Array, count: number): boolean {
  // The last line has no terminator worth judging.
  for (let i = 0; i < count - 1; i++) if (crlf[i] === 0) return true
  return false
}

function lineOfOffset(text: string, offset: number): number {
  let line = 1
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) line++
  return line
}

const FIRST_YEAR = 2009

const TWO_DIGITS = Array.from({length: 60}, (_, i) => String(i).padStart(2, '0'))

function localText(w: WallClock): string {
  const t = TWO_DIGITS
  return `${w.year}-${t[w.month]}-${t[w.day]}T${t[w.hour]}:${t[w.minute]}:${t[w.second]}`
}

/** The offset wallClockToIso gives at that time, or null when it does not read back as the same wall clock. */
function offsetAt(w: WallClock): null | string {
  const iso = wallClockToIso(w)
  return iso !== null && iso.startsWith(localText(w)) ? iso.slice(19) : null
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31
}

/** Offsets of one month: `before` until `changeDay`, `after` from the day after; 0 = no change. */
interface MonthOffsets {
  after: string
  before: string
  changeDay: number
}

function monthOffsets(year: number, month: number): MonthOffsets | null {
  const last = daysInMonth(year, month)
  const endOf = (day: number) => offsetAt({
    day, hour: 23, minute: 59, month, second: 59, year,
  })
  const before = offsetAt({
    day: 1, hour: 0, minute: 0, month, second: 0, year,
  })
  const after = endOf(last)
  if (before === null || after === null) return null
  if (before === after) return {after, before, changeDay: 0}
  // The first day that ends with the new offset is the change day.
  let lo = 1
  let hi = last
  while (lo < hi) {
    const mid = (lo + hi) >> 1
    const end = endOf(mid)
    if (end === null) return null
    if (end === after) hi = mid
    else lo = mid + 1
  }

  return {after, before, changeDay: lo}
}

/**
 * receivedAt exactly as wallClockToIso gives it, but with the zone looked up once per month: the
 * offset changes twice a year, and on the change day itself every time goes to wallClockToIso.
 */
// Pure memo tables, shared by every parse: a few entries per month and day seen.
const MONTHS = new Map<number, MonthOffsets | null>()
const CHANGE_DAY_HOURS = new Map<number, string>()
const DAY_PREFIXES = new Map<number, string>()

class IsoClock {
  private readonly days = DAY_PREFIXES
  private readonly months = MONTHS
  /** Reused for every header: no allocation per message. */
  private readonly w: WallClock = {
    day: 0, hour: 0, minute: 0, month: 0, second: 0, year: 0,
  }

  /** The header's fields read in the given order, as ISO with offset; null for an impossible date. */
  ofHeader(f: HeaderFields, order: DateOrder, format: HeaderFormat): null | string {
    const {w} = this
    w.year = f.c
    w.month = f.b
    w.day = f.a
    if (order === 'ymd' || format.yearFirst) {
      w.year = f.a
      w.day = f.c
    } else if (order === 'mdy') {
      w.month = f.a
      w.day = f.b
    }

    if (w.year < 100 && (format.yearDigits === 2 || order === 'ymd')) w.year += 2000
    w.hour = f.hour
    w.minute = f.minute
    w.second = f.second
    return this.iso(w)
  }

  private iso(w: WallClock): null | string {
    const {day, month, year} = w
    if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null
    // WhatsApp began in 2009: an earlier date is as impossible as 31/02 (and the stored form needs four digits).
    if (year < FIRST_YEAR || year > 9999) return null
    const mKey = (year * 100) + month
    let offsets = this.months.get(mKey)
    if (offsets === undefined) {
      offsets = monthOffsets(year, month)
      this.months.set(mKey, offsets)
    }

    if (offsets === null) return wallClockToIso(w)
    if (day === offsets.changeDay) return this.onChangeDay(w)
    const dKey = (mKey * 100) + day
    let prefix = this.days.get(dKey)
    if (prefix === undefined) {
      prefix = `${year}-${TWO_DIGITS[month]}-${TWO_DIGITS[day]}T`
      this.days.set(dKey, prefix)
    }

    const offset = offsets.changeDay === 0 || day < offsets.changeDay ? offsets.before : offsets.after
    return prefix + TWO_DIGITS[w.hour] + ':' + TWO_DIGITS[w.minute] + ':' + TWO_DIGITS[w.second] + offset
  }

  /**
   * On the day the offset changes, per hour: an hour that reads back the same offset at :00:00 and
   * :59:59 keeps it (the autumn fold gives the earlier one throughout); the spring gap does not.
   */
  private onChangeDay(w: WallClock): null | string {
    const key = (((((w.year * 100) + w.month) * 100) + w.day) * 100) + w.hour
    let offset = CHANGE_DAY_HOURS.get(key)
    if (offset === undefined) {
      const a = offsetAt({...w, minute: 0, second: 0})
      const b = offsetAt({...w, minute: 59, second: 59})
      offset = a !== null && a === b ? a : '?'
      CHANGE_DAY_HOURS.set(key, offset)
    }

    return offset === '?' ? wallClockToIso(w) : localText(w) + offset
  }
}

const END_HINTS = [')', '>', 'omessa', 'omesso', 'omitted', 'esclusa', 'escluso', 'non incluso']

function kindOf(text: string): MessageKind {
  const nl = text.indexOf('\n')
  let end = nl === -1 ? text.length : nl
  while (end > 0 && (text.codePointAt(end - 1) ?? 0) <= 32) end--
  const last = text.codePointAt(end - 1)
  // Every placeholder ends with `)`, `>`, `.`, a vowel or `d`: skip the rest cheaply.
  if (!(last === 41 || last === 62 || last === 46 || last === 97 || last === 111 || last === 100 || last === 101)) {
    return 'text'
  }

  const first = text.slice(0, end).trim()
  if (MEDIA_OMITTED.has(first)) return 'media'
  if (DELETED.has(first)) return 'deleted'
  for (const h of END_HINTS) if (first.endsWith(h)) return MEDIA_LINE.test(first) ? 'media' : 'text'
  return 'text'
}

function isSystemAuthor(rawAuthor: string): boolean {
  for (const m of SYSTEM_AUTHOR_MARKERS) if (rawAuthor.includes(m)) return true
  return false
}

/** Backwards steps smaller than this are the minute-or-so disorder of real exports (§3), not the clock going back. */
const FOLD_TOLERANCE_MS = 10 * 60 * 1000

/**
 * The hour repeated when clocks go back (02:00–02:59 on the last Sunday of October) is read in the file's message
 * order: a time whose summer reading would step back by more than FOLD_TOLERANCE_MS, and whose winter reading would
 * not, is its second pass (winter time), and so is every later time of that hour in the file. Time then never goes backwards within a chat, so an ON at 02:15 written after
 * an OFF at 02:45 is the newer request. Rewrites `isos` in place.
 */
function followFold(isos: string[]): void {
  const later = new Map<string, null | string>()
  const secondPass = new Set<string>()
  let latest = Number.NEGATIVE_INFINITY
  for (let i = 0; i < isos.length; i++) {
    let iso = isos[i]
    if (iso.codePointAt(11) === 0x30 && iso.codePointAt(12) === 0x32) {
      const hour = iso.slice(0, 13)
      let offset = later.get(hour)
      if (offset === undefined) {
        offset = foldLaterIso(iso)?.slice(19) ?? null
        later.set(hour, offset)
      }

      const second = offset === null ? '' : iso.slice(0, 19) + offset
      // The second pass is when the earlier reading steps back and the later one does not (a file whose dates jump
      // back by months is out of order, not in the fold).
      if (offset !== null && (secondPass.has(hour) || (Date.parse(iso) < latest - FOLD_TOLERANCE_MS && Date.parse(second) >= latest - FOLD_TOLERANCE_MS))) {
        secondPass.add(hour)
        iso = second
        isos[i] = iso
      }
    }

    const t = Date.parse(iso)
    if (t > latest) latest = t
  }
}

/** Turns a scan into messages once the date order is known. */
export function buildChat(scan: ChatScan, decision: DateOrderDecision): ChatParseResult {
  const {candidates, format, lines} = scan
  const clock = new IsoClock()
  const authors = new Map<string, string>()
  const messages: ChatMessage[] = []
  let {demoted} = scan
  let group = false

  // Headers with an impossible date under the chosen order are text (§6).
  const valid: Candidate[] = []
  const isos: string[] = []
  for (const c of candidates) {
    const iso = clock.ofHeader(c, decision.order, format)
    if (iso === null) {
      if (valid.length === 0) return {error: {line: c.index + 1, reason: 'invalid-date'}, ok: false}
      demoted++
      continue
    }

    valid.push(c)
    isos.push(iso)
  }

  followFold(isos)

  for (let v = 0; v < valid.length; v++) {
    const c = valid[v]
    const end = v + 1 < valid.length ? valid[v + 1].index : lines.length
    const line = lines[c.index]
    const start = c.restStart
    let author: null | string = null
    let system = false
    let textStart = start
    // Author and text split at the first ": " of the header line (§2).
    const colon = line.indexOf(': ', start)
    if (colon > start) {
      const rawAuthor = line.slice(start, colon)
      if (format.platform !== 'ios' && isSystemAuthor(rawAuthor)) {
        system = true
      } else {
        let normalized = authors.get(rawAuthor)
        if (normalized === undefined) {
          normalized = normalizeAuthor(rawAuthor)
          authors.set(rawAuthor, normalized)
        }

        if (normalized === '') {
          system = true
        } else {
          author = normalized
          textStart = colon + 2
        }
      }
    } else if (line.length - start > 1 && line.length - start <= 80 && line.endsWith(':')) {
      // `Luca: ` with the trailing space trimmed by an editor: an empty first line.
      author = normalizeAuthor(line.slice(start, -1)) || null
      system = author === null
      if (author !== null) textStart = line.length
    } else {
      system = true
    }

    let raw = line.slice(textStart)
    for (let j = c.index + 1; j < end; j++) raw += '\n' + lines[j]
    const text = stripInvisible(raw)
    let kind: MessageKind = system ? 'system' : kindOf(text)
    // iOS marks system notices it attributes to a person with a leading LRM (§7); so are placeholders.
    if (!system && author !== null && raw.codePointAt(0) === 0x20_0E && kind === 'text' && format.platform === 'ios') {
      kind = 'system'
      system = true
    }

    if (system && !group && GROUP_SYSTEM.test(text)) group = true
    messages.push({
      author, kind, line: c.index + 1, receivedAt: isos[v], system, text,
    })
  }

  return {
    chat: {
      continuationHeaders: demoted,
      dateOrder: decision.order,
      dateOrderReason: decision.reason,
      evidence: scan.evidence,
      format,
      group,
      lineCount: lines.length,
      messages,
      titles: scan.titles,
    },
    ok: true,
  }
}

/** Scans and builds one chat; the date order comes from the file, else the options. */
export function parseChat(text: string, options: ParseOptions = {}): ChatParseResult {
  const scanned = scanChat(text, options)
  if (!scanned.ok) return scanned
  return buildChat(scanned.scan, decideDateOrder(scanned.scan.evidence, options))
}

export interface ChatInput {
  /** File, zip and folder names, most specific first. */
  names?: readonly string[]
  text: string
}

/**
 * Parses the files of one import together: a file its own content cannot decide takes the order
 * most other files decided (they come from the same phone), then `dateOrder`, then day first.
 */
export function parseChats(
  inputs: readonly ChatInput[],
  options: Omit<ParseOptions, 'batchOrder' | 'names'> = {},
): ChatParseResult[] {
  const scans = inputs.map(i => scanChat(i.text, {...options, names: i.names}))
  const batchOrder = batchDateOrder(scans.flatMap(s => (s.ok ? [s.scan.evidence] : [])))
  return scans.map(s => (s.ok ? buildChat(s.scan, decideDateOrder(s.scan.evidence, {...options, batchOrder})) : s))
}

/**
 * The first message dated after `latestMs` (the import time plus a day), or undefined. Such a date means the date
 * order was probably misread (14/03/31, 31/12/99 read as 2099): the importer stops that file until the clerk
 * confirms the order with --date-order.
 */
export function firstMessageAfter(chat: ParsedChat, latestMs: number): ChatMessage | undefined {
  return chat.messages.find(m => Date.parse(m.receivedAt) > latestMs)
}
