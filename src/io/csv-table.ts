import {parse} from 'csv-parse/sync'
import {stringify} from 'csv-stringify/sync'

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
  /** Returns the field value or throws a message-less reason code via `invalid`. */
  parse(value: string, invalid: (reason: string) => never): Partial<T>
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

export function readTable<T>(schema: TableSchema<T>, bytes: Uint8Array, file: string): {encoding: DecodedText['encoding']; rows: T[]} {
  const {encoding, text} = decodeSpreadsheetText(bytes)
  if (text.trim() === '') return {encoding, rows: []}
  let records: {info: {lines: number}; record: string[]}[]
  try {
    records = parse(text, {
      bom: true,
      delimiter: detectDelimiter(text.replace(/^\uFEFF/, '')),
      info: true,
      relax_column_count: true,
      skip_empty_lines: true,
    }) as unknown as {info: {lines: number}; record: string[]}[]
  } catch (error) {
    const line = (error as {lines?: number}).lines ?? 0
    throw new CervenoError('FILE_ROW_INVALID', {file, line, reason: 'csv'})
  }

  const [head, ...body] = records
  const headers = head.record.map((h) => h.trim().toLowerCase())
  const positions = schema.columns.map((c) => headers.indexOf(c.header))
  for (const [i, c] of schema.columns.entries()) {
    if (positions[i] === -1 && !c.optional) {
      throw new CervenoError('FILE_ROW_INVALID', {column: c.header, file, line: 1, reason: 'missingColumn'})
    }
  }

  const rows: T[] = []
  let prevEnd = head.info.lines
  for (const {info, record} of body) {
    const line = prevEnd + 1
    prevEnd = info.lines
    if (record.every((v) => v.trim() === '')) continue
    let column = ''
    const invalid = (reason: string): never => {
      throw new CervenoError('FILE_ROW_INVALID', {column, file, line, reason})
    }

    let partial: Partial<T> = {}
    for (const [i, c] of schema.columns.entries()) {
      column = c.header
      const value = positions[i] === -1 ? '' : (record[positions[i]] ?? '')
      partial = Object.assign(partial, c.parse(value, invalid))
    }

    column = ''
    rows.push(schema.finish(partial, invalid))
  }

  return {encoding, rows}
}

export function writeTable<T>(schema: TableSchema<T>, rows: readonly T[]): string {
  const data: string[][] = [schema.columns.map((c) => c.header)]
  for (const row of rows) data.push(schema.columns.map((c) => c.write(row)))
  return stringify(data, {bom: true, delimiter: ';', record_delimiter: 'windows'})
}
