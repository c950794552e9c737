/**
 * The two tables (iscritti.csv, richieste.csv) as files: their layout as writeTable makes it, read a slice at a
 * time or one row at a time, and written in slices so a big table never sits in memory as one string.
 */
import {CervenoError} from '../core/errors.js'
import {
  readTable, type TableSchema, writeRows, writeTable,
} from './csv-table.js'
import {type State} from './folder-state.js'
import {REQUESTS, SUBSCRIBERS} from './tables.js'

export const TABLE_FILES = {requests: 'richieste.csv', subscribers: 'iscritti.csv'} as const

export const SCHEMAS = new Map<string, TableSchema<unknown>>([
  [TABLE_FILES.requests, REQUESTS as TableSchema<unknown>],
  [TABLE_FILES.subscribers, SUBSCRIBERS as TableSchema<unknown>],
])

/** The line break and quote of writeTable's layout. */
export const CRLF = Buffer.from('\r\n')
const QUOTE = 0x22

/** Quotes in bytes[from, to): an odd count means `to` is inside a quoted cell (RFC 4180 doubles inner quotes). */
function quotesBetween(bytes: Buffer, from: number, to: number): number {
  let count = 0
  for (let q = bytes.indexOf(QUOTE, from); q !== -1 && q < to; q = bytes.indexOf(QUOTE, q + 1)) count++
  return count
}

/**
 * The last record of a writeTable file whose first cell is `key` (a cell writeTable never quotes, such as an
 * E.164 phone), as bytes, or undefined. A match inside a quoted cell (a name with a line break) is skipped.
 */
export function findRecord(bytes: Buffer, key: string): Buffer | undefined {
  const needle = Buffer.from(`\r\n${key};`)
  for (let at = bytes.lastIndexOf(needle); at !== -1; at = at === 0 ? -1 : bytes.lastIndexOf(needle, at - 1)) {
    if (quotesBetween(bytes, 0, at) % 2 !== 0) continue
    const start = at + CRLF.length
    let end = bytes.indexOf(CRLF, start)
    while (end !== -1 && quotesBetween(bytes, start, end) % 2 !== 0) end = bytes.indexOf(CRLF, end + CRLF.length)
    return bytes.subarray(start, end === -1 ? bytes.length : end + CRLF.length)
  }

  return undefined
}

/**
 * Rows serialised per write of a streamed table: about 100 KiB of text, under the size V8 allocates outside its
 * young generation (a bigger string waits for a full collection to be freed).
 */
const ROWS_PER_WRITE = 400

/** Rows serialised and written ROWS_PER_WRITE at a time: `rows` can be a generator making them as they go. */
export async function putRows<T>(put: (text: string) => Promise<void>, schema: TableSchema<T>, rows: Iterable<T>): Promise<void> {
  let slice: T[] = []
  for (const row of rows) {
    slice.push(row)
    if (slice.length === ROWS_PER_WRITE) {
      await put(writeRows(schema, slice))
      slice = []
    }
  }

  if (slice.length > 0) await put(writeRows(schema, slice))
}

/** A table's header line as writeTable writes it (BOM, `;`, CRLF), as bytes. */
export const headerBytes = (schema: TableSchema<unknown>) => Buffer.from(writeTable(schema, []))

/**
 * Bytes of a table read per slice by tableRows: the slice's text stays under the size V8 allocates outside its
 * young generation (freed only by a full collection), even when it is decoded to two bytes per character.
 */
const SLICE_BYTES = 32 * 1024

/**
 * The rows of a table this program wrote (see ourTable), read a slice of about 32 KiB at a time by
 * readTable, so they are never all in memory: slices end at a CRLF outside quotes, and an invalid row is still
 * reported with its line in the whole file.
 * @yields each row, validated, in file order
 */
export function * tableRows<T>(schema: TableSchema<T>, bytes: Buffer, file: string, sliceBytes = SLICE_BYTES): Generator<T> {
  const header = headerBytes(schema)
  let linesBefore = 1
  for (let start = header.length; start < bytes.length;) {
    let cut = bytes.indexOf(CRLF, Math.min(start + sliceBytes, bytes.length - CRLF.length))
    let quotes = cut === -1 ? 0 : quotesBetween(bytes, start, cut)
    while (cut !== -1 && quotes % 2 !== 0) {
      const next = bytes.indexOf(CRLF, cut + CRLF.length)
      quotes += next === -1 ? 0 : quotesBetween(bytes, cut, next)
      cut = next
    }

    const end = cut === -1 ? bytes.length : cut + CRLF.length
    let rows: T[]
    try {
      rows = readTable(schema, Buffer.concat([header, bytes.subarray(start, end)]), file).rows
    } catch (error) {
      // The slice's line numbers, made the file's: the slice's line 2 is the line after linesBefore.
      if (!(error instanceof CervenoError) || typeof error.params.line !== 'number') throw error
      throw new CervenoError(error.code, {...error.params, line: linesBefore + error.params.line - 1})
    }

    yield * rows
    for (let lf = bytes.indexOf(0x0A, start); lf !== -1 && lf < end; lf = bytes.indexOf(0x0A, lf + 1)) linesBefore++
    start = end
  }
}

/**
 * Unchanged since this program wrote it (its hash as recorded, so every row was validated when it was
 * written) and in writeTable's layout: header as written, ending with CRLF.
 */
export function ourTable(file: string, bytes: Buffer, hash: string, state: State): boolean {
  const written = hash === state.pending?.[file] || hash === state.written?.[file]
  const header = headerBytes(SCHEMAS.get(file)!)
  return written && bytes.subarray(0, header.length).equals(header) && bytes.subarray(-CRLF.length).equals(CRLF)
}
