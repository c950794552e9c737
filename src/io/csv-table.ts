import {parse} from 'csv-parse/sync'

import {CervenoError} from '../core/errors.js'

/**
 * A CSV table with Italian headers, read tolerantly (what Excel writes: BOM, `;` or `,`, CRLF,
 * Windows-1252) and strictly about content: the first invalid row stops with file and line.
 * Written the way Italian Excel opens by double click: UTF-8 with BOM, `;`, CRLF.
 */
export interface Column<T> {
  header: string
  /** Columns added after the first format are optional: an older file simply lacks them. */
  optional?: boolean
  /** Sets the field on `row` from the cell, or calls `invalid` with a reason code. */
  read(value: string, row: Partial<T>, invalid: (reason: string) => never): void
  write(row: T): string
}

export interface TableSchema<T> {
  columns: Column<T>[]
  file: string
  finish(partial: Partial<T>, invalid: (reason: string) => never): T
  /**
   * Headers of cells that never hold a `?` of their own (names): on a line Excel saved in Windows-1252, a `?` there
   * is a character that encoding lacks, replaced on saving (see FILE_CHARS_LOST).
   */
  lossy?: string[]
  /** What identifies a row: two rows with the same key are refused (FILE_DUPLICATE_ROWS). */
  unique?: {key(row: T): string | undefined; what: string}
}

/**
 * Cells of columns the schema does not know (a `note` column the clerk added), by header, carried by the row they
 * were read with: object spreads copy them, JSON ignores them, and a table written with the layout readTable
 * returned puts them back in place.
 */
export const EXTRA_COLUMNS: unique symbol = Symbol('extra columns')

/** A row as readTable gives it, with the cells of columns the schema does not know. */
export type WithExtras<T> = T & {[EXTRA_COLUMNS]?: Record<string, string>}

export interface DecodedText {
  encoding: 'utf-8' | 'windows-1252'
  text: string
}

export interface DecodedTable {
  /** `mixed`: UTF-8 lines and Windows-1252 lines in one file (a line added by another program), each decoded as itself. */
  encoding: 'mixed' | DecodedText['encoding']
  /** 1-based lines decoded as Windows-1252 (empty for a UTF-8 file). */
  legacyLines: Set<number>
  text: string
}

/** Strict UTF-8, else Windows-1252 (what Excel on Windows saves as "CSV (delimitato da separatore)"). */
export function decodeSpreadsheetText(bytes: Uint8Array): DecodedText {
  try {
    return {encoding: 'utf-8', text: new TextDecoder('utf-8', {fatal: true, ignoreBOM: false}).decode(bytes)}
  } catch {
    return {encoding: 'windows-1252', text: new TextDecoder('windows-1252').decode(bytes)}
  }
}

const utf8 = new TextDecoder('utf-8', {fatal: true, ignoreBOM: false})
const cp1252 = new TextDecoder('windows-1252')
/** Bytes Windows-1252 leaves undefined: a line holding one is in neither encoding. */
const NOT_CP1252 = new Set([0x81, 0x8D, 0x8F, 0x90, 0x9D])

/**
 * A table's text, decoded line by line when it is not UTF-8 as a whole: a UTF-8 file with one row another program
 * saved in Windows-1252 keeps its accented names (decoding it all as Windows-1252 turned every one into mojibake,
 * written back for good). A line in neither encoding is refused with its number (FILE_ROW_INVALID, `encoding`).
 */
export function decodeTableText(bytes: Uint8Array, file: string): DecodedTable {
  try {
    return {encoding: 'utf-8', legacyLines: new Set(), text: utf8.decode(bytes)}
  } catch {}

  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const parts: string[] = []
  const legacyLines = new Set<number>()
  let utf8Lines = 0
  for (let line = 1, start = 0; start < buf.length; line++) {
    const lf = buf.indexOf(0x0A, start)
    const end = lf === -1 ? buf.length : lf + 1
    const chunk = buf.subarray(start, end)
    let text: string | undefined
    try {
      text = utf8.decode(chunk)
      if (chunk.some(b => b >= 0x80)) utf8Lines++
    } catch {
      if (chunk.some(b => NOT_CP1252.has(b))) throw new CervenoError('FILE_ROW_INVALID', {file, line, reason: 'encoding'})
      text = cp1252.decode(chunk)
      legacyLines.add(line)
    }

    parts.push(text)
    start = end
  }

  return {encoding: utf8Lines > 0 ? 'mixed' : 'windows-1252', legacyLines, text: parts.join('')}
}

function detectDelimiter(text: string): string {
  const firstLine = text.slice(0, Math.max(0, text.search(/\r?\n|$/)))
  const semi = firstLine.split(';').length
  const comma = firstLine.split(',').length
  return semi >= comma ? ';' : ','
}

/**
 * The format writeTable produces (`;`, CRLF, RFC 4180 quotes; the BOM is gone once decoded), read in one pass: csv-parse took
 * 0.95 s of a 100,000-row registry's 2 s `subscribers add` (BENCHMARKS.md). Anything else — a file
 * Excel or a person saved — returns null and is read by csv-parse, which tolerates what they write.
 */
// UTF-16 units, compared with ASCII delimiters: charCodeAt is exact here and the fastest.
/* eslint-disable unicorn/prefer-code-point */
export function parseCanonical(text: string): null | string[][] {
  const rows: string[][] = []
  let row: string[] = []
  const n = text.length
  let i = text.codePointAt(0) === 0xFE_FF ? 1 : 0
  // Our header row has no comma: a comma before the first line end means another program's CSV.
  const firstEnd = text.indexOf('\r\n')
  if (firstEnd === -1 || text.slice(i, firstEnd).includes(',')) return null
  while (i < n) {
    if (text.charCodeAt(i) === 0x22) {
      let value = ''
      let j = i + 1
      for (;;) {
        const q = text.indexOf('"', j)
        if (q === -1) return null
        if (text.charCodeAt(q + 1) === 0x22) {
          value += text.slice(j, q + 1)
          j = q + 2
          continue
        }

        value += text.slice(j, q)
        i = q + 1
        break
      }

      row.push(value)
    } else {
      let k = i
      for (; k < n; k++) {
        const c = text.charCodeAt(k)
        if (c === 0x3B || c === 0x0D || c === 0x0A || c === 0x22) break
      }

      if (text.charCodeAt(k) === 0x22) return null
      row.push(text.slice(i, k))
      i = k
    }

    const c = text.charCodeAt(i)
    if (c === 0x3B) {
      i++
      if (i === n) return null
      continue
    }

    if (c === 0x0D && text.charCodeAt(i + 1) === 0x0A) {
      rows.push(row)
      row = []
      i += 2
      continue
    }

    if (i >= n) {
      rows.push(row)
      break
    }

    return null
  }

  return rows.length > 0 ? rows : null
}
/* eslint-enable unicorn/prefer-code-point */

export interface ReadResult<T> {
  encoding: DecodedTable['encoding']
  /** Each with the cells of the file's unknown columns under EXTRA_COLUMNS (see WithExtras). */
  rows: T[]
  /**
   * The schema to write these rows back with: the file's columns the schema does not know, each after the known
   * column it followed (the schema itself when there are none).
   */
  schema: TableSchema<T>
}

const blank = (record: string[]) => record.every(c => c.trim() === '')

export function readTable<T>(schema: TableSchema<T>, bytes: Uint8Array, file: string): ReadResult<T> {
  const {encoding, legacyLines, text} = decodeTableText(bytes, file)
  // Not even a header: a registry emptied by mistake is not an empty registry.
  if (text.trim() === '') throw new CervenoError('FILE_EMPTY', {file})
  let records = parseCanonical(text)
  const delimiter = detectDelimiter(text.replace(/^\uFEFF/, ''))
  try {
    records ??= parse(text, {bom: true, delimiter, relax_column_count: true}) as string[][]
  } catch (error) {
    const line = (error as {lines?: number}).lines ?? 0
    throw new CervenoError('FILE_ROW_INVALID', {file, line, reason: 'csv'})
  }

  const [head, ...body] = records
  const headers = head.map(h => h.trim().toLowerCase())
  const positions = schema.columns.map(c => headers.indexOf(c.header))
  for (const [i, c] of schema.columns.entries()) {
    if (positions[i] === -1 && !c.optional) {
      throw new CervenoError('FILE_ROW_INVALID', {
        column: c.header, file, line: 1, reason: 'missingColumn',
      })
    }
  }

  const extras = extraColumns(schema, head, body)
  const rows: T[] = []
  /** The record each row was read from (rows skip Excel's empty records): for line numbers. */
  const recordOf: number[] = []
  const {columns} = schema
  let index = 0
  let column = ''
  // Line numbers are only needed on the error path: found by scanning the text then.
  const invalid = (reason: string): never => {
    throw new CervenoError('FILE_ROW_INVALID', {
      column, file, line: lineOfRecord(text, index + 1), reason,
    })
  }

  for (; index < body.length; index++) {
    const record = body[index]
    // Excel writes a row it once had as `;;;;;;;;;;`.
    if (blank(record)) continue
    const row: Partial<T> = {}
    for (const [i, c] of columns.entries()) {
      column = c.header
      const at = positions[i]
      c.read(at === -1 ? '' : (record[at] ?? ''), row, invalid)
    }

    column = ''
    const done = schema.finish(row, invalid)
    if (extras.length > 0) (done as WithExtras<T>)[EXTRA_COLUMNS] = Object.fromEntries(extras.map(x => [x.key, record[x.at] ?? '']))
    rows.push(done)
    recordOf.push(index + 1)
  }

  if (schema.unique) assertUnique(schema, rows, recordOf, text, file)
  // Saved by another program (Excel's "CSV" drops our BOM and writes Windows-1252): every line may have lost some.
  const savedElsewhere = encoding === 'windows-1252' || !(bytes[0] === 0xEF && bytes[1] === 0xBB && bytes[2] === 0xBF)
  if (schema.lossy && (savedElsewhere || legacyLines.size > 0)) {
    assertNothingLost(schema, {body, headers, text}, line => savedElsewhere || legacyLines.has(line), file)
  }

  return {encoding, rows, schema: extras.length === 0 ? schema : withExtraColumns(schema, extras, headers)}
}

interface ExtraColumn {
  /** Its position in the file's records. */
  at: number
  /** The header as the file spells it, written back as it is. */
  header: string
  /** The header, made unique when two unknown columns share it: the key of its cells in EXTRA_COLUMNS. */
  key: string
}

/** The file's columns the schema does not know; an unnamed one is kept only when some row has a value in it. */
function extraColumns<T>(schema: TableSchema<T>, head: string[], body: string[][]): ExtraColumn[] {
  const known = new Set(schema.columns.map(c => c.header))
  const out: ExtraColumn[] = []
  const taken = new Set<string>()
  for (const [at, raw] of head.entries()) {
    const header = raw.trim()
    if (known.has(header.toLowerCase())) continue
    if (header === '' && body.every(r => (r[at] ?? '').trim() === '')) continue
    let key = header
    for (let n = 2; taken.has(key.toLowerCase()); n++) key = `${header} (${n})`
    taken.add(key.toLowerCase())
    out.push({at, header, key})
  }

  return out
}

/** The schema with the extra columns, each right after the known column it followed in the file. */
function withExtraColumns<T>(schema: TableSchema<T>, extras: ExtraColumn[], headers: string[]): TableSchema<T> {
  const columns: Column<T>[] = []
  const follows = (x: ExtraColumn) => headers.slice(0, x.at).findLast(h => schema.columns.some(c => c.header === h))
  const carried = (x: ExtraColumn): Column<T> => ({
    header: x.header,
    optional: true,
    read() {},
    write: row => (row as WithExtras<T>)[EXTRA_COLUMNS]?.[x.key] ?? '',
  })
  for (const x of extras) if (follows(x) === undefined) columns.push(carried(x))
  for (const c of schema.columns) {
    columns.push(c)
    for (const x of extras) if (follows(x) === c.header) columns.push(carried(x))
  }

  return {...schema, columns}
}

/** At most this many lines are listed in an error about repeated or damaged rows. */
const LINES_LISTED = 10

/** Two rows with the same key (a phone, a request id): FILE_DUPLICATE_ROWS with the lines of the first such key. */
function assertUnique<T>(schema: TableSchema<T>, rows: T[], recordOf: number[], text: string, file: string): void {
  const first = new Map<string, number>()
  const repeated = new Map<string, number[]>()
  for (const [i, row] of rows.entries()) {
    const key = schema.unique!.key(row)
    if (key === undefined) continue
    const at = first.get(key)
    if (at === undefined) first.set(key, i)
    else repeated.set(key, [...(repeated.get(key) ?? [at]), i])
  }

  if (repeated.size === 0) return
  const [key, at] = repeated.entries().next().value!
  throw new CervenoError('FILE_DUPLICATE_ROWS', {
    file,
    key,
    lines: at.slice(0, LINES_LISTED).map(i => lineOfRecord(text, recordOf[i])).join(', '),
    others: repeated.size - 1,
    what: schema.unique!.what,
  })
}

/**
 * A `?` in a name cell of a line another program saved (decoded as Windows-1252, or in a file without our BOM): Excel, saving "CSV" in that encoding, replaces each
 * character it lacks (Ł, ő, Ș, emoji…) with `?`. Refused with the rows, rather than storing the damage for good.
 */
function assertNothingLost<T>(
  schema: TableSchema<T>,
  {body, headers, text}: {body: string[][]; headers: string[]; text: string},
  legacy: (line: number) => boolean,
  file: string,
): void {
  const at = schema.lossy!.map(h => headers.indexOf(h)).filter(i => i !== -1)
  const damaged: {line: number; value: string}[] = []
  for (const [k, record] of body.entries()) {
    const cells = at.map(i => record[i] ?? '').filter(v => v.includes('?'))
    if (cells.length === 0) continue
    const line = lineOfRecord(text, k + 1)
    if (legacy(line)) damaged.push({line, value: cells[0]})
  }

  if (damaged.length === 0) return
  throw new CervenoError('FILE_CHARS_LOST', {
    file,
    lines: damaged.slice(0, LINES_LISTED).map(d => d.line).join(', '),
    rows: damaged.length,
    values: damaged.slice(0, 3).map(d => `"${d.value}"`).join(', '),
  })
}

/** The 1-based line on which record k (0 = header) starts, honouring quoted line breaks. */
export function lineOfRecord(text: string, k: number): number {
  let line = 1
  let record = 0
  let quoted = false
  let i = text.codePointAt(0) === 0xFE_FF ? 1 : 0
  for (; i < text.length && record < k; i++) {
    const ch = text[i]
    if (ch === '"') quoted = !quoted
    else if (ch === '\n') {
      line++
      if (!quoted) record++
    }
  }

  return line
}

const NEEDS_QUOTES = /[";\r\n]/
const cell = (v: string) => (NEEDS_QUOTES.test(v) ? `"${v.replaceAll('"', '""')}"` : v)

/**
 * The data folder's own files are rewritten whole on every change, so this is the hot path of a
 * 100,000-row registry: RFC 4180 quoting by hand measured 4× faster than csv-stringify here
 * (BENCHMARKS.md). Exports, which are written once, use csv-stringify.
 */
export function writeTable<T>(schema: TableSchema<T>, rows: readonly T[]): string {
  return '\uFEFF' + schema.columns.map(c => cell(c.header)).join(';') + '\r\n' + writeRows(schema, rows)
}

/** The data lines alone, each ended by CRLF: what writeTable puts after the header. */
export function writeRows<T>(schema: TableSchema<T>, rows: readonly T[]): string {
  if (rows.length === 0) return ''
  return rows.map(row => schema.columns.map(c => cell(c.write(row))).join(';')).join('\r\n') + '\r\n'
}
