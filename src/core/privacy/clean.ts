/**
 * Removing someone from a file, whatever the file: records that are about them go, the rest is kept
 * as it was (byte for byte where the format allows). Pure: text in, text out.
 */
import {type Matcher} from './match.js'

export interface Cleaned<T> {
  /** null: the whole file was about them (delete it). */
  content: null | T
  removed: number
}

const DROP = Symbol('drop')
type Json = boolean | Json[] | null | number | string | {[k: string]: Json}

/**
 * JSON, structurally: a string or number with their number or id makes the object holding it
 * theirs (an audit entry, a recipient, a status); arrays lose such elements (and elements carrying
 * only their name, see Matcher.isAbout); maps keyed by data (wamids, numbers) lose such entries.
 */
export function cleanJsonValue(value: Json, m: Matcher, counter: {removed: number}): Json | typeof DROP {
  if (typeof value === 'string') return m.hasId(value) ? DROP : value
  if (typeof value === 'number') return m.hasId(String(value)) ? DROP : value
  if (value === null || typeof value === 'boolean') return value
  if (Array.isArray(value)) {
    const out: Json[] = []
    for (const el of value) {
      const c = cleanJsonValue(el, m, counter)
      if (c === DROP || (typeof c === 'object' && c !== null && m.isAbout(JSON.stringify(c)))) {
        counter.removed++
        continue
      }

      out.push(c)
    }

    return out
  }

  const out: {[k: string]: Json} = {}
  for (const [k, v] of Object.entries(value)) {
    if (m.hasId(k)) {
      counter.removed++
      continue
    }

    const c = cleanJsonValue(v, m, counter)
    if (c === DROP) {
      // A map keyed by data (wamids, numbers, ids) loses the entry; a record field makes the record theirs.
      if (typeof v === 'object' && v !== null && isDataKey(k)) {
        counter.removed++
        continue
      }

      return DROP
    }

    out[k] = c
  }

  return out
}

/** Field names are words (`after`, `recipientId`); keys holding data have digits or punctuation. */
function isDataKey(key: string): boolean {
  return !/^[A-Za-z_$][A-Za-z_$-]*$/.test(key)
}

/** Splits text into lines keeping each line's ending, so kept lines are written back untouched. */
function splitLines(text: string): string[] {
  return text.match(/[^\n]*\n|[^\n]+$/g) ?? []
}

/** A JSON document (.json): null when the document itself is about them. */
export function cleanJsonDocument(text: string, m: Matcher): Cleaned<string> {
  let parsed: Json
  try {
    parsed = JSON.parse(text.replace(/^\uFEFF/, '')) as Json
  } catch {
    return cleanLines(text, m)
  }

  if (!m.hasId(text) && !m.hasName(text)) return {content: text, removed: 0}
  const counter = {removed: 0}
  const c = cleanJsonValue(parsed, m, counter)
  if (c === DROP) return {content: null, removed: counter.removed + 1}
  if (counter.removed === 0) return {content: text, removed: 0}
  const pretty = /^\s*[[{]\s*\n/.test(text)
  return {content: JSON.stringify(c, null, pretty ? 2 : undefined) + (text.endsWith('\n') ? '\n' : ''), removed: counter.removed}
}

/** JSON Lines (audit log, journals): each line a record; a line that is not JSON is judged as text. */
export function cleanJsonLines(text: string, m: Matcher): Cleaned<string> {
  let removed = 0
  const out: string[] = []
  for (const line of splitLines(text)) {
    if (!m.hasId(line) && !m.hasName(line)) {
      out.push(line)
      continue
    }

    let parsed: Json | undefined
    try {
      parsed = JSON.parse(line) as Json
    } catch {
      parsed = undefined
    }

    if (parsed === undefined) {
      if (m.isAbout(line)) removed++
      else out.push(line)
      continue
    }

    const counter = {removed: 0}
    const c = cleanJsonValue(parsed, m, counter)
    if (c === DROP || m.isAbout(JSON.stringify(c))) {
      removed++
      continue
    }

    removed += counter.removed
    out.push(counter.removed === 0 ? line : JSON.stringify(c) + (line.endsWith('\n') ? '\n' : ''))
  }

  return {content: out.join(''), removed}
}

/**
 * CSV records (header first): rows about them go, the header stays. A first row that is itself about them (a list
 * saved without a header) goes too, or a second erasure would find it again and again.
 */
export function cleanCsvRecords(records: string[][], m: Matcher): Cleaned<string[][]> {
  if (records.length === 0) return {content: records, removed: 0}
  const [head, ...body] = records
  const kept = body.filter(r => !m.isAbout(r.join('\t')))
  const removed = body.length - kept.length
  if (m.isAbout(head.join('\t'))) return {content: kept, removed: removed + 1}
  return {content: [head, ...kept], removed}
}

/** vCard files: whole cards go; null when no card is left. */
export function cleanVcards(text: string, m: Matcher): Cleaned<string> {
  const cards = text.match(/BEGIN:VCARD[\s\S]*?END:VCARD\r?\n?/gi)
  if (!cards) return cleanLines(text, m)
  // Folded lines are unfolded before matching: a long name may be split across lines.
  const kept = cards.filter(c => !m.isAbout(c.replaceAll(/\r?\n[ \t]/g, '')))
  if (kept.length === cards.length) return {content: text, removed: 0}
  return {content: kept.length === 0 ? null : kept.join(''), removed: cards.length - kept.length}
}

/** Any other text: lines about them go. */
export function cleanLines(text: string, m: Matcher): Cleaned<string> {
  const lines = splitLines(text)
  const kept = lines.filter(l => !m.isAbout(l))
  return {content: kept.length === lines.length ? text : kept.join(''), removed: lines.length - kept.length}
}
