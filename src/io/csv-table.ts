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
}

export interface DecodedText {
  encoding: 'utf-8' | 'windows-1252'
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

export function readTable<T>(schema: TableSchema<T>, bytes: Uint8Array, file: string): {encoding: DecodedText['encoding']; rows: T[]} {
  const {encoding, text} = decodeSpreadsheetText(bytes)
  if (text.trim() === '') return {encoding, rows: []}
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

  const rows: T[] = []
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
    if (record.length === 1 && record[0].trim() === '') continue
    const row: Partial<T> = {}
    for (const [i, c] of columns.entries()) {
      column = c.header
      const at = positions[i]
      c.read(at === -1 ? '' : (record[at] ?? ''), row, invalid)
    }

    column = ''
    rows.push(schema.finish(row, invalid))
  }

  return {encoding, rows}
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
