/**
 * Reads a webhook dump as a stream of payloads: one JSON object, a JSON array of payloads, NDJSON (one payload
 * per line), or JSON values one after another. The shape is told from the content, never from the extension.
 * Memory stays flat on any size: the file is read into one reused buffer, cut on the bytes into lines (NDJSON)
 * or values (arrays, documents), and each piece is decoded and given to JSON.parse alone.
 * The bytes are read by webhook-bytes.ts, JSON values cut and located by webhook-json.ts.
 * Problems are reported as a final `error` item, never thrown.
 */
import {TextDecoder} from 'node:util'

import {
  binaryKind, ByteSource, type Encoding, encodingOf, JSON_WS, MAX_VALUE_BYTES, NL, PEEK_MAX, TooLargeFailure,
  UnreadableError, Utf8Failure, Window,
} from './webhook-bytes.js'
import {
  type JsonContext, locateParseError, ParseFailure, parseValue, ValueSplitter,
} from './webhook-json.js'

/**
 * `object`: one payload; `array`: a JSON array of payloads; `ndjson`: one payload per line;
 * `concatenated`: several multi-line JSON values one after another.
 */
export type WebhookFileShape = 'array' | 'concatenated' | 'ndjson' | 'object'

/**
 * BINARY: not text (NUL bytes, zip/gzip/pdf/image signature) · EMPTY: nothing but whitespace ·
 * INVALID_JSON: a syntax error inside a JSON document (line, column) · INVALID_UTF8: bytes that are not UTF-8 (line) ·
 * NDJSON_LINE: one NDJSON line is not JSON (line, column) · NOT_JSON: text that does not start with `{` or `[` ·
 * TOO_LARGE: one value or line is over MAX_VALUE_BYTES (line where it begins) ·
 * TRUNCATED: the JSON ends before its last value is complete (line where it ended) ·
 * UNREADABLE: the file cannot be opened or read (detail = errno code).
 */
export type WebhookFileErrorCode = 'BINARY' | 'EMPTY' | 'INVALID_JSON' | 'INVALID_UTF8' | 'NDJSON_LINE' | 'NOT_JSON' | 'TOO_LARGE' | 'TRUNCATED' | 'UNREADABLE'

export interface WebhookFileError {
  code: WebhookFileErrorCode
  /** 1-based column within that line, when known. */
  column: null | number
  /** Technical detail in English (parser message, errno code, signature found): for logs, not for the clerk. */
  detail: string
  /** 1-based line of the problem, when known. */
  line: null | number
  /** Payloads yielded before the problem was found (the caller usually drops them with the file). */
  payloadsBefore: number
}

export interface PayloadItem {
  /** Bytes read from the file so far (for progress bars). */
  bytesRead: number
  /** 0-based position among the file's payloads. */
  index: number
  kind: 'payload'
  /** 1-based line for NDJSON; null for arrays and multi-line documents. */
  line: null | number
  payload: unknown
}

export interface EndItem {
  bytes: number
  kind: 'end'
  payloads: number
  shape: WebhookFileShape
}

export interface ErrorItem {
  error: WebhookFileError
  kind: 'error'
  /** The shape seen before the problem, when it got that far. */
  shape: null | WebhookFileShape
}

/** Payload items, then exactly one end or error item. */
export type WebhookFileItem = EndItem | ErrorItem | PayloadItem

export interface ReadWebhookFileOptions {
  /** Read size; 1 MiB by default. */
  chunkSize?: number
}

function skipWs(text: string, from: number): number {
  let i = from
  while (i < text.length && JSON_WS.has(text[i])) i++
  return i
}

/**
 * Cheap check on the first bytes of a file (pass 4 KiB or more): true when they start like JSON (`{`, or `[`
 * followed by `{` or `]`, unlike an iOS chat export's `[14/03/25`) and mention the WhatsApp envelope.
 */
export function looksLikeWebhookDump(firstBytes: Uint8Array): boolean {
  const encoding = encodingOf(firstBytes)
  if (binaryKind(firstBytes, encoding) !== null) return false
  const text = new TextDecoder(encoding).decode(firstBytes)
  const start = skipWs(text, 0)
  const c = text[start]
  if (c !== '{' && !(c === '[' && /^\[\s*(?:[{\]]|$)/.test(text.slice(start, start + 4096)))) return false
  return /whatsapp_business_account|"entry"|"messaging_product"|"statuses"/.test(text)
}

type Mode = 'array' | 'document' | 'ndjson'

type Detection = {code: WebhookFileErrorCode; detail: string; kind: 'error'} | {kind: 'mode'; mode: Mode} | {kind: 'more'}

function tryJson(text: string): boolean {
  try {
    JSON.parse(text)
    return true
  } catch {
    return false
  }
}

function blankHead(eof: boolean, capped: boolean): Detection {
  if (eof) return {code: 'EMPTY', detail: 'only whitespace', kind: 'error'}
  return capped ? {code: 'NOT_JSON', detail: 'no content in the first bytes', kind: 'error'} : {kind: 'more'}
}

/** An array of payloads opens an object; an iOS chat export opens `[14/03/25, 09:21:00]`. Null when fine. */
function arrayOpening(text: string, start: number, final: boolean): Detection | null {
  const inner = skipWs(text, start + 1)
  if (inner === text.length) return final ? null : {kind: 'more'}
  if ('{[]'.includes(text[inner])) return null
  return {code: 'NOT_JSON', detail: `starts with ${JSON.stringify(text.slice(start, inner + 1))}`, kind: 'error'}
}

/** Decides the reader from the head of the file: first non-blank byte, and whether the first line stands alone. */
function detect(text: string, eof: boolean, capped: boolean): Detection {
  const start = skipWs(text, 0)
  if (start === text.length) return blankHead(eof, capped)

  const c = text[start]
  if (c !== '{' && c !== '[') return {code: 'NOT_JSON', detail: `starts with ${JSON.stringify(c)}`, kind: 'error'}
  if (c === '[') {
    const opening = arrayOpening(text, start, eof || capped)
    if (opening !== null) return opening
  }

  const nl = text.indexOf('\n', start)
  if (nl === -1) {
    if (eof) return {kind: 'mode', mode: 'ndjson'}
    if (!capped) return {kind: 'more'}
    return {kind: 'mode', mode: c === '[' ? 'array' : 'document'}
  }

  const next = skipWs(text, nl)
  if (next === text.length && !eof && !capped) return {kind: 'more'}
  const line1 = text.slice(start, nl).trim()
  if (tryJson(line1)) return {kind: 'mode', mode: 'ndjson'}
  // Two lines that both open an object: NDJSON whose first line is broken (a pretty object's second line is a key).
  if (c === '{' && text[next] === '{' && line1 !== '{') return {kind: 'mode', mode: 'ndjson'}
  return {kind: 'mode', mode: c === '[' ? 'array' : 'document'}
}

function headIsEnough(bytes: Uint8Array): boolean {
  if (bytes.length < 4) return false
  const encoding = encodingOf(bytes)
  if (binaryKind(bytes, encoding) !== null) return true
  return detect(new TextDecoder(encoding).decode(bytes, {stream: true}), false, false).kind !== 'more'
}

/**
 * Reads the file and yields its payloads, then one `end` or `error` item.
 * @yields payload items, then exactly one end or error item
 */
export async function * readWebhookFile(path: string, options: ReadWebhookFileOptions = {}): AsyncGenerator<WebhookFileItem, void, undefined> {
  const chunkSize = options.chunkSize ?? 1024 * 1024
  const source = new ByteSource(path, chunkSize)
  try {
    let encoding: Encoding
    let detection: Detection
    try {
      const {eof, head} = await source.peek(bytes => headIsEnough(bytes))
      encoding = encodingOf(head)
      const binary = binaryKind(head, encoding)
      if (binary !== null) {
        yield fail(null, 'BINARY', binary)
        return
      }

      detection = detect(new TextDecoder(encoding).decode(head, {stream: !eof}), eof, head.length >= PEEK_MAX)
    } catch (error) {
      yield fail(null, 'UNREADABLE', error instanceof UnreadableError ? error.errno : String(error))
      return
    }

    source.decodeAs(encoding)
    const window = new Window(source, 2 * chunkSize)
    if (detection.kind === 'error') {
      // Garbage that is not UTF-8 is better described as such than as "not JSON".
      const utf8 = await firstUtf8Problem(source, window)
      yield utf8 === null ? fail(null, detection.code, detection.detail) : fail(null, 'INVALID_UTF8', 'invalid byte sequence', {line: utf8})
      return
    }

    if (detection.kind !== 'mode') return // unreachable: detect() only asks for more before EOF
    const {mode} = detection
    yield * mode === 'ndjson' ? readNdjson(source, window) : readJson(source, window, {encoding, mode, path})
  } finally {
    await source.close()
  }
}

interface Where {
  column?: null | number
  line?: null | number
  payloadsBefore?: number
}

function fail(shape: null | WebhookFileShape, code: WebhookFileErrorCode, detail: string, where: Where = {}): WebhookFileItem {
  const error = {
    code,
    column: where.column ?? null,
    detail,
    line: where.line ?? null,
    payloadsBefore: where.payloadsBefore ?? 0,
  }
  return {error, kind: 'error', shape}
}

/** Line of the first invalid byte sequence in the first few MiB, or null. */
async function firstUtf8Problem(source: ByteSource, window: Window): Promise<null | number> {
  try {
    while (source.bytesRead < PEEK_MAX && await window.more(window.checked)) {
      // each chunk is checked as it comes in
    }
  } catch (error) {
    if (error instanceof Utf8Failure) return error.line
  }

  return null
}

function failureItem(error: unknown, shape: null | WebhookFileShape, payloadsBefore: number): WebhookFileItem {
  if (error instanceof TooLargeFailure) return fail(shape, 'TOO_LARGE', `over ${MAX_VALUE_BYTES} bytes`, {line: error.line, payloadsBefore})
  if (error instanceof Utf8Failure) return fail(shape, 'INVALID_UTF8', 'invalid byte sequence', {line: error.line, payloadsBefore})
  const errno = error instanceof UnreadableError ? error.errno : String(error)
  return fail(shape, 'UNREADABLE', errno, {payloadsBefore})
}

/** V8's JSON.parse message says where it stopped: "end of JSON input" or "at position N". */
function parseErrorPosition(message: string, length: number): {atEnd: boolean; column: null | number} {
  if (/end of JSON input/i.test(message)) return {atEnd: true, column: length + 1}
  const m = /position (\d+)/.exec(message)
  if (!m) return {atEnd: false, column: null}
  const pos = Number(m[1])
  return {atEnd: pos >= length, column: pos + 1}
}

/** The lines readline would see in a text without `\n`: a lone `\r` ends a line too, a final one is the CR of a CRLF. */
function crLines(text: string): string[] {
  if (!text.includes('\r')) return [text]
  const lines = text.split('\r')
  if (lines.at(-1) === '') lines.pop()
  return lines
}

/** What the NDJSON lines read so far held: counts, the last value, the first broken line. */
class NdjsonLines {
  broken: null | {column: null | number; detail: string; line: number; truncated: boolean} = null
  lastValue: unknown
  /** The line being read (1-based). */
  lineNo = 0
  /** Lines holding JSON, and non-blank lines. */
  lines = 0
  nonBlank = 0
  /** A line followed a broken one: nothing more to read. */
  stopped = false
}

/**
 * The payloads of a piece of text that ends at a `\n` (or at the end of the file).
 * @yields each payload while `lines.lineNo` is its line
 */
function * linePayloads(lines: NdjsonLines, piece: string): Generator<unknown> {
  for (const raw of crLines(piece)) {
    lines.lineNo++
    const text = raw.trim()
    if (text === '') continue
    lines.nonBlank++
    if (lines.broken) {
      // Another line follows the broken one: it was not the end of a cut file.
      lines.broken.truncated = false
      lines.stopped = true
      return
    }

    let value: unknown
    try {
      value = JSON.parse(text)
    } catch (error) {
      const {message} = (error as Error)
      const where = parseErrorPosition(message, text.length)
      lines.broken = {
        column: where.column, detail: message, line: lines.lineNo, truncated: where.atEnd,
      }
      continue
    }

    lines.lines++
    lines.lastValue = value
    // A line holding an array of payloads is read like an array file.
    if (Array.isArray(value)) yield * value
    else yield value
  }
}

/**
 * NDJSON, split into lines on the bytes: each line is decoded and parsed on its own.
 * @yields payload items, then exactly one end or error item
 */
async function * readNdjson(source: ByteSource, window: Window): AsyncGenerator<WebhookFileItem> {
  const lines = new NdjsonLines()
  let index = 0
  let failure: unknown = null
  try {
    let from = 0
    let more = true
    while (more && !lines.stopped) {
      more = await window.more(from)
      from = 0
      const bytes = window.bytes()
      while (from < bytes.length && !lines.stopped) {
        let nl = bytes.indexOf(NL, from)
        if (nl === -1 && more) break // the rest of the line is in the next chunk
        if (nl === -1) nl = bytes.length
        const piece = bytes.toString('utf8', from, nl)
        from = nl + 1
        for (const payload of linePayloads(lines, piece)) {
          yield {
            bytesRead: source.bytesRead,
            index: index++,
            kind: 'payload',
            line: lines.lineNo,
            payload,
          }
        }
      }
    }
  } catch (error) {
    failure = error
  }

  const {broken, lastValue, nonBlank} = lines
  const shape: WebhookFileShape = nonBlank > 1 ? 'ndjson' : (Array.isArray(lastValue) ? 'array' : 'object')
  if (failure !== null) {
    yield failureItem(failure, shape, index)
    return
  }

  if (broken) {
    const code = broken.truncated ? 'TRUNCATED' : 'NDJSON_LINE'
    yield fail(shape, code, broken.detail, {column: broken.column, line: broken.line, payloadsBefore: index})
    return
  }

  if (lines.lines === 0) {
    yield fail(null, 'EMPTY', 'no JSON line')
    return
  }

  yield {
    bytes: source.bytesRead,
    kind: 'end',
    payloads: index,
    shape,
  }
}

/**
 * A JSON array of payloads, or JSON values one after another: each value is cut out of the bytes and parsed alone.
 * @yields payload items, then exactly one end or error item
 */
async function * readJson(source: ByteSource, window: Window, ctx: JsonContext): AsyncGenerator<WebhookFileItem> {
  const {mode} = ctx
  const splitter = new ValueSplitter(mode)
  let index = 0
  let values = 0
  let failure: unknown = null
  try {
    let more = true
    while (more) {
      const {keep} = splitter
      more = await window.more(keep)
      splitter.moved(keep)
      const bytes = window.bytes()
      for (let v = splitter.next(bytes, !more); v !== null; v = splitter.next(bytes, !more)) {
        const value = parseValue(bytes.toString('utf8', v[0], v[1]), v[1])
        values++
        const batch = mode === 'document' && Array.isArray(value) ? value : [value]
        for (const payload of batch) {
          yield {
            bytesRead: source.bytesRead,
            index: index++,
            kind: 'payload',
            line: null,
            payload,
          }
        }
      }
    }
  } catch (error) {
    // A number or literal that ends the file may be one cut short.
    const cut = error instanceof ParseFailure && error.valueEnd >= 0 && await window.blankToEnd(error.valueEnd)
    failure = cut ? new ParseFailure(error.message, true, error.pending) : error
  }

  const shape: WebhookFileShape = mode === 'array' ? 'array' : (values > 1 ? 'concatenated' : 'object')
  if (failure instanceof ParseFailure) {
    const located = await locateParseError(failure, {...ctx, window})
    yield fail(shape, located.code, located.detail, {column: located.column, line: located.line, payloadsBefore: index})
    return
  }

  if (failure !== null) {
    yield failureItem(failure, shape, index)
    return
  }

  if (values === 0) {
    yield fail(null, 'EMPTY', 'no JSON value')
    return
  }

  yield {
    bytes: source.bytesRead,
    kind: 'end',
    payloads: index,
    shape,
  }
}
