/**
 * Reads a webhook dump as a stream of payloads: one JSON object, a JSON array of payloads, NDJSON (one payload
 * per line), or JSON values one after another. The shape is told from the content, never from the extension.
 * Memory stays flat on any size: the file is read into one reused buffer, cut on the bytes into lines (NDJSON)
 * or values (arrays, documents), and each piece is decoded and given to JSON.parse alone.
 * Problems are reported as a final `error` item, never thrown.
 */
import {isUtf8} from 'node:buffer'
import {createReadStream} from 'node:fs'
import {type FileHandle, open} from 'node:fs/promises'
import {type Writable} from 'node:stream'
import {TextDecoder} from 'node:util'
import Verifier from 'stream-json/utils/Verifier.js'

/**
 * `object`: one payload; `array`: a JSON array of payloads; `ndjson`: one payload per line;
 * `concatenated`: several multi-line JSON values one after another.
 */
export type WebhookFileShape = 'array' | 'concatenated' | 'ndjson' | 'object'

/**
 * BINARY: not text (NUL bytes, zip/gzip/pdf/image signature) · EMPTY: nothing but whitespace ·
 * INVALID_JSON: a syntax error inside a JSON document (line, column) · INVALID_UTF8: bytes that are not UTF-8 (line) ·
 * NDJSON_LINE: one NDJSON line is not JSON (line, column) · NOT_JSON: text that does not start with `{` or `[` ·
 * TRUNCATED: the JSON ends before its last value is complete (line where it ended) ·
 * UNREADABLE: the file cannot be opened or read (detail = errno code).
 */
export type WebhookFileErrorCode = 'BINARY' | 'EMPTY' | 'INVALID_JSON' | 'INVALID_UTF8' | 'NDJSON_LINE' | 'NOT_JSON' | 'TRUNCATED' | 'UNREADABLE'

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

const PEEK_MAX = 4 * 1024 * 1024
const JSON_WS = new Set([' ', '\t', '\n', '\r', '\uFEFF'])

type Encoding = 'utf8' | 'utf-16be' | 'utf-16le'

const SIGNATURES: Array<[string, number[]]> = [
  ['zip', [0x50, 0x4B, 0x03, 0x04]],
  ['zip', [0x50, 0x4B, 0x05, 0x06]],
  ['gzip', [0x1F, 0x8B]],
  ['pdf', [0x25, 0x50, 0x44, 0x46, 0x2D]],
  ['png', [0x89, 0x50, 0x4E, 0x47]],
  ['jpeg', [0xFF, 0xD8, 0xFF]],
  ['7z', [0x37, 0x7A, 0xBC, 0xAF]],
]

function startsWith(bytes: Uint8Array, sig: number[]): boolean {
  return bytes.length >= sig.length && sig.every((b, i) => bytes[i] === b)
}

function encodingOf(bytes: Uint8Array): Encoding {
  if (bytes[0] === 0xFF && bytes[1] === 0xFE) return 'utf-16le'
  if (bytes[0] === 0xFE && bytes[1] === 0xFF) return 'utf-16be'
  return 'utf8'
}

/** The signature of a binary file, or null when the bytes can be text. */
function binaryKind(bytes: Uint8Array, encoding: Encoding): null | string {
  for (const [name, sig] of SIGNATURES) if (startsWith(bytes, sig)) return name
  if (encoding === 'utf8' && bytes.includes(0)) return 'nul'
  return null
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

class UnreadableError extends Error {
  constructor(readonly errno: string) {
    super(errno)
  }
}

class Utf8Failure extends Error {
  constructor(readonly line: number) {
    super('invalid UTF-8')
  }
}

/**
 * The file as UTF-8 bytes without a BOM, chunk by chunk (UTF-16 is transcoded: every newline stays on its line).
 * The head can be examined first; next() then returns it again. A chunk is valid until the next call.
 */
class ByteSource {
  bytesRead = 0
  private readonly buffer: Buffer
  private handle: FileHandle | null = null
  private pending: Buffer[] = []
  private utf16: null | {decoder: TextDecoder; newlines: number} = null

  constructor(private readonly path: string, chunkSize: number) {
    this.buffer = Buffer.allocUnsafe(chunkSize)
  }

  async close(): Promise<void> {
    await this.handle?.close()
    this.handle = null
  }

  /** Decodes the rest of the file as `encoding` from now on (after the head was examined). */
  decodeAs(encoding: Encoding): void {
    const head = Buffer.concat(this.pending)
    if (encoding === 'utf8') {
      this.pending = [head[0] === 0xEF && head[1] === 0xBB && head[2] === 0xBF ? head.subarray(3) : head]
    } else {
      this.pending = [head]
      this.utf16 = {decoder: new TextDecoder(encoding, {fatal: true}), newlines: 0}
    }
  }

  async next(): Promise<Buffer | null> {
    const raw = this.pending.shift() ?? await this.read()
    if (this.utf16 === null) return raw
    let text: string
    try {
      text = raw === null ? this.utf16.decoder.decode() : this.utf16.decoder.decode(raw, {stream: true})
    } catch {
      throw new Utf8Failure(this.utf16.newlines + 1)
    }

    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) this.utf16.newlines++
    return raw === null && text === '' ? null : Buffer.from(text)
  }

  /** Reads chunks until `enough(head, eof)` or PEEK_MAX; they will be returned again by next(). */
  async peek(enough: (head: Buffer, eof: boolean) => boolean): Promise<{eof: boolean; head: Buffer}> {
    for (;;) {
      const head = Buffer.concat(this.pending)
      if (enough(head, false) || head.length >= PEEK_MAX) return {eof: false, head}

      const chunk = await this.read()
      if (chunk === null) return {eof: true, head}
      this.pending.push(Buffer.from(chunk))
    }
  }

  private async read(): Promise<Buffer | null> {
    try {
      this.handle ??= await open(this.path, 'r')
      const {bytesRead} = await this.handle.read(this.buffer, 0, this.buffer.length, null)
      this.bytesRead += bytesRead
      return bytesRead === 0 ? null : this.buffer.subarray(0, bytesRead)
    } catch (error) {
      throw new UnreadableError(String((error as NodeJS.ErrnoException).code ?? 'EIO'))
    }
  }
}

/** Continuation bytes a UTF-8 lead byte announces (0 for ASCII, and for bytes left to the validator). */
function sequenceLength(lead: number): number {
  if (lead >= 0xF0) return 3
  if (lead >= 0xE0) return 2
  return lead >= 0xC0 ? 1 : 0
}

/** `end`, or where the character cut by the end of the chunk begins. */
function wholeCharactersEnd(b: Buffer, end: number): number {
  let i = end - 1
  while (i >= 0 && end - i <= 3 && (b[i] & 0xC0) === 0x80) i--
  return i >= 0 && i + sequenceLength(b[i]) >= end ? i : end
}

const NL = 0x0A

function isBlankByte(c: number): boolean {
  return c === 0x20 || c === NL || c === 0x0D || c === 0x09
}

/** Where the blank bytes from `i` end. */
function blankFrom(b: Buffer, i: number): number {
  let j = i
  while (j < b.length && isBlankByte(b[j])) j++
  return j
}

/** Just past the last byte of b[from, to) that is neither blank nor part of a BOM, or `from` when there is none. */
function contentEnd(b: Buffer, from: number, to: number): number {
  let end = to
  while (end > from) {
    if (isBlankByte(b[end - 1])) end--
    else if (end - 3 >= from && b[end - 3] === 0xEF && b[end - 2] === 0xBB && b[end - 1] === 0xBF) end -= 3
    else break
  }

  return end
}

/**
 * The bytes a reader still needs, in one buffer reused from chunk to chunk: no string holds the file's text, and
 * memory stays at a chunk plus the longest line or value. Bytes are checked as UTF-8 as they come in.
 */
class Window {
  buf: Buffer
  /** Bytes [0, checked) are valid UTF-8; the rest, up to `end`, is the start of a character cut by the chunk. */
  checked = 0
  end = 0
  /** Line of the last non-blank byte checked so far. */
  lastContentLine = 0
  /** Newlines in the bytes checked so far, file-wide. */
  newlines = 0

  constructor(private readonly source: ByteSource, size: number) {
    this.buf = Buffer.allocUnsafe(size)
  }

  /** True when only blank bytes follow `from` to the end of the file: reads on to see, dropping what it read. */
  async blankToEnd(from: number): Promise<boolean> {
    let at = from
    for (;;) {
      if (blankFrom(this.bytes(), at) < this.checked) return false
      if (!(await this.more(this.checked))) return blankFrom(this.bytes(), 0) === this.checked
      at = 0
    }
  }

  /** The checked bytes. */
  bytes(): Buffer {
    return this.buf.subarray(0, this.checked)
  }

  /**
   * Forgets the bytes before `keep` (later offsets move down by `keep`) and appends the next chunk.
   * False at the end of the file, once the last bytes are checked.
   */
  async more(keep: number): Promise<boolean> {
    this.buf.copyWithin(0, keep, this.end)
    this.end -= keep
    this.checked -= keep
    const chunk = await this.source.next()
    if (chunk === null) {
      this.check(this.end)
      return false
    }

    if (this.end + chunk.length > this.buf.length) {
      const bigger = Buffer.allocUnsafe(Math.max(2 * this.buf.length, this.end + chunk.length))
      this.buf.copy(bigger, 0, 0, this.end)
      this.buf = bigger
    }

    chunk.copy(this.buf, this.end)
    this.end += chunk.length
    this.check(wholeCharactersEnd(this.buf, this.end))
    return true
  }

  private check(upTo: number): void {
    const from = this.checked
    if (upTo <= from) return
    const b = this.buf
    if (!isUtf8(b.subarray(from, upTo))) throw new Utf8Failure(this.newlines + badLine(b, from, upTo))
    for (let i = b.indexOf(NL, from); i !== -1 && i < upTo; i = b.indexOf(NL, i + 1)) this.newlines++
    const content = contentEnd(b, from, upTo)
    if (content > from) {
      let trailing = 0
      for (let i = b.indexOf(NL, content); i !== -1 && i < upTo; i = b.indexOf(NL, i + 1)) trailing++
      this.lastContentLine = this.newlines - trailing + 1
    }

    this.checked = upTo
  }
}

/** 1-based line, counted from `from`, of the first invalid byte sequence in b[from, to). */
function badLine(b: Buffer, from: number, to: number): number {
  let line = 1
  for (let start = from; start < to; line++) {
    const nl = b.indexOf(NL, start)
    const stop = nl === -1 || nl >= to ? to : nl
    if (!isUtf8(b.subarray(start, stop))) return line
    start = stop + 1
  }

  return line
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

class ParseFailure extends Error {
  /**
   * @param message what went wrong
   * @param atEnd the input ended in the middle of a value
   * @param pending that unfinished value ('' between values), or the value JSON.parse refused
   * @param valueEnd where that refused value ends in the window (-1 when it is not about such a value)
   */
  constructor(message: string, readonly atEnd = false, readonly pending = '', readonly valueEnd = -1) {
    super(message)
  }
}

const QUOTE = 0x22
const BACKSLASH = 0x5C

/** Bytes that end a number or literal. */
function endsScalar(c: number): boolean {
  return isBlankByte(c) || c === 0x2C || c === 0x5D || c === 0x7D || c === 0x5B || c === 0x7B || c === QUOTE || c === 0x3A || c >= 0x80 || c === 0x0B || c === 0x0C
}

/**
 * Whitespace JSON.parse refuses but stream-json, which read these files before, took between tokens (any
 * JavaScript `\s`): a BOM left inside by concatenated files, a no-break space.
 */
const OTHER_SPACE = /[\v\f\u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000\uFEFF]/

/** Length in bytes of such a character at b[i], or 0. */
function otherSpaceLength(b: Buffer, i: number): number {
  const c = b[i]
  if (c === 0x0B || c === 0x0C) return 1
  if (c < 0xC2 || c > 0xEF) return 0
  const length = sequenceLength(c) + 1
  return OTHER_SPACE.test(b.toString('utf8', i, i + length)) ? length : 0
}

/** JSON.parse, after turning that other whitespace outside strings into spaces: the rare dump that has some. */
function parseWithOtherSpace(text: string): unknown {
  let out = ''
  let from = 0
  let inString = false
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]
    if (inString) {
      if (ch === '\\') i++
      else if (ch === '"') inString = false
    } else if (ch === '"') {
      inString = true
    } else if (OTHER_SPACE.test(ch)) {
      out += text.slice(from, i) + ' '
      from = i + 1
    }
  }

  return JSON.parse(out + text.slice(from))
}

/**
 * Finds where the top-level values of a JSON text (document mode), or the elements of its top-level array, begin
 * and end, without parsing them: each is then given whole to JSON.parse. Strings are skipped with indexOf, so
 * only the bytes between them are looked at one by one. Syntax inside a value is left to JSON.parse.
 */
class ValueSplitter {
  /** Brackets open at `pos`, the top-level array's included. */
  private depth = 0
  /** Array mode: the final `]` was read. */
  private done = false
  /** Array mode, between elements: 'value' after `[` or `,`, 'comma' after an element. */
  private expect: 'comma' | 'first' | 'value' = 'first'
  private inString = false
  /** Bracket depth of the values handed out: 1 inside the top-level array, 0 for a document. */
  private readonly level: 0 | 1
  /** The next byte to look at. */
  private pos = 0
  /** Where the value being read began, or -1 between values. */
  private start = -1

  constructor(readonly mode: 'array' | 'document') {
    this.level = mode === 'array' ? 1 : 0
  }

  /** Where the bytes still needed begin: the window can forget the ones before. */
  get keep(): number {
    return this.start === -1 ? this.pos : this.start
  }

  /** After more() dropped `keep` bytes. */
  moved(by: number): void {
    this.pos -= by
    if (this.start !== -1) this.start -= by
  }

  /**
   * The next complete value in `b`, as [start, end), or null when `b` holds no more (at the end of the file, null
   * means the text is complete). Throws a ParseFailure on bytes that cannot be there, or on a value cut by the end.
   */
  next(b: Buffer, eof: boolean): [number, number] | null {
    const {level} = this
    let i = this.pos
    while (i < b.length) {
      if (this.inString) {
        const quote = b.indexOf(QUOTE, i)
        if (quote === -1) {
          i = b.length
          break
        }

        let k = quote - 1
        while (b[k] === BACKSLASH) k--
        i = quote + 1
        if ((quote - 1 - k) % 2 === 0) {
          this.inString = false
          if (this.depth === level) return this.complete(i)
        }

        continue
      }

      const c = b[i]
      if (this.depth > level) {
        if (c === QUOTE) this.inString = true
        else if (c === 0x7B || c === 0x5B) this.depth++
        else if ((c === 0x7D || c === 0x5D) && --this.depth === level) return this.complete(i + 1)
        i++
      } else if (this.start === -1) {
        i = this.between(c, i, b)
      } else if (endsScalar(c)) {
        return this.complete(i)
      } else {
        i++
      }
    }

    this.pos = i
    if (!eof) return null
    if (this.start !== -1 && level === 0 && this.depth === 0 && !this.inString) return this.complete(b.length) // a number ends the file
    if (this.start !== -1 || (level === 1 && !this.done)) {
      throw new ParseFailure('unexpected end of input', true, this.start === -1 ? '' : b.toString('utf8', this.start))
    }

    return null
  }

  /** A byte between values: whitespace, the array's punctuation, or the start of the next value. Returns the next position. */
  private between(c: number, i: number, b: Buffer): number {
    if (isBlankByte(c)) return i + 1
    const space = otherSpaceLength(b, i)
    if (space > 0) return i + space
    if (this.level === 1) {
      if (this.done) throw new ParseFailure('unexpected text after the array')
      if (this.depth === 0) {
        if (c !== 0x5B) throw new ParseFailure('expected [')
        this.depth = 1
        return i + 1
      }

      if (c === 0x5D && this.expect !== 'value') {
        this.depth = 0
        this.done = true
        return i + 1
      }

      if (this.expect === 'comma') {
        if (c !== 0x2C) throw new ParseFailure("expected ',' or ']'")
        this.expect = 'value'
        return i + 1
      }
    }

    if (c === 0x2C || c === 0x3A || c === 0x5D || c === 0x7D) throw new ParseFailure('expected a value')
    this.start = i
    if (c === QUOTE) this.inString = true
    else if (c === 0x7B || c === 0x5B) this.depth++
    return i + 1
  }

  private complete(end: number): [number, number] {
    const value: [number, number] = [this.start, end]
    this.start = -1
    this.pos = end
    this.expect = 'comma'
    return value
  }
}

/** JSON.parse of one value cut out of the bytes; a ParseFailure when it is not JSON. */
function parseValue(text: string, end: number): unknown {
  try {
    return JSON.parse(text)
  } catch (error) {
    try {
      return parseWithOtherSpace(text)
    } catch {
      throw new ParseFailure((error as Error).message, false, text, end)
    }
  }
}

interface JsonContext {
  encoding: Encoding
  mode: 'array' | 'document'
  path: string
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
    yield await locateParseError(failure, {
      ...ctx, payloadsBefore: index, shape, window,
    })
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

function writeText(stream: Writable, text: string): Promise<void> {
  return new Promise((resolve, reject) => {
    stream.write(text, error => (error ? reject(error) : resolve()))
  })
}

function endStream(stream: Writable): Promise<void> {
  return new Promise((resolve, reject) => {
    stream.once('error', reject)
    stream.once('finish', resolve)
    stream.end()
  })
}

/** Whitespace, or the start of a literal or number cut short: what a file cut in the middle of a value leaves. */
const CUT_VALUE = /^\s*(?:t(?:r(?:u)?)?|f(?:a(?:l(?:s)?)?)?|n(?:u(?:l)?)?|-?\d*(?:\.\d*)?(?:[Ee][+-]?\d*)?)\s*$/

/**
 * A value cut by the end of the file is truncated when all of it is a valid start of JSON, as far as it goes:
 * stream-json's Verifier reads it, and must not fail before its last non-blank character (or on a cut literal).
 */
async function isCutShort(pending: string, streaming: boolean): Promise<boolean> {
  const verifier = new Verifier({jsonStreaming: streaming})
  verifier.on('error', () => {}) // failures arrive through the callbacks
  try {
    await writeText(verifier, pending)
  } catch {
    return false
  }

  try {
    await endStream(verifier)
    return true
  } catch (error) {
    const offset = (error as {offset?: number}).offset ?? 0
    return offset >= pending.trimEnd().length || CUT_VALUE.test(pending.slice(offset))
  }
}

interface ParseContext extends JsonContext {
  payloadsBefore: number
  shape: WebhookFileShape
  window: Window
}

/**
 * JSON.parse only says where it failed inside one value: on that rare path the file is read again through
 * stream-json's Verifier, which gives the line and column. A value cut by the end of the file is a truncated file.
 */
async function locateParseError(failure: ParseFailure, ctx: ParseContext): Promise<WebhookFileItem> {
  const {encoding, mode, path, payloadsBefore, shape, window} = ctx
  if (failure.atEnd && await isCutShort(failure.pending, mode === 'document')) {
    return fail(shape, 'TRUNCATED', failure.message, {line: window.lastContentLine, payloadsBefore})
  }

  const verifier = new Verifier({jsonStreaming: mode === 'document'})
  const text = new TextDecoder(encoding)
  let fed = 0
  let contentEnd = 0
  const found = await new Promise<null | {line: number; message: string; offset: number; pos: number}>(resolve => {
    const stream = createReadStream(path)
    verifier.on('error', (error: Error & {line?: number; pos?: number}) => {
      stream.destroy()
      const offset = Number(/ERROR at (\d+)/.exec(error.message)?.[1] ?? Number.NaN)
      resolve({
        line: error.line ?? 0, message: error.message.replace(/^.*?: Verifier /, ''), offset, pos: error.pos ?? 0,
      })
    })
    verifier.on('finish', () => resolve(null))
    stream.on('error', () => resolve(null))
    stream.on('data', (chunk: Buffer | string) => {
      const t = typeof chunk === 'string' ? chunk : text.decode(chunk, {stream: true})
      let last = t.length - 1
      while (last >= 0 && JSON_WS.has(t[last])) last--
      if (last >= 0) contentEnd = fed + last + 1
      fed += t.length
      if (!verifier.write(t)) stream.pause()
    })
    verifier.on('drain', () => stream.resume())
    stream.on('end', () => verifier.end())
  })
  if (found === null) {
    // The verifier disagreed: report what the splitter knew.
    const line = failure.atEnd ? window.lastContentLine : window.newlines + 1
    return fail(shape, failure.atEnd ? 'TRUNCATED' : 'INVALID_JSON', failure.message, {line, payloadsBefore})
  }

  if (failure.atEnd && !(found.offset < contentEnd)) return fail(shape, 'TRUNCATED', found.message, {line: window.lastContentLine, payloadsBefore})
  return fail(shape, 'INVALID_JSON', found.message, {column: found.pos, line: found.line, payloadsBefore})
}
