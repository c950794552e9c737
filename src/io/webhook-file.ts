/**
 * Reads a webhook dump as a stream of payloads: one JSON object, a JSON array of payloads, NDJSON (one payload
 * per line), or JSON values one after another. The shape is told from the content, never from the extension.
 * Memory stays flat on any size: arrays go through stream-json, NDJSON through readline.
 * Problems are reported as a final `error` item, never thrown.
 */
import {createReadStream, type ReadStream} from 'node:fs'
import * as readline from 'node:readline'
import {Readable, type Transform} from 'node:stream'
import {TextDecoder} from 'node:util'
import Assembler from 'stream-json/Assembler.js'
import Parser from 'stream-json/Parser.js'
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

/** File chunks with look-ahead: the head is examined, then replayed. */
class ByteSource {
  bytesRead = 0
  private readonly iterator: AsyncIterator<Buffer>
  private readonly pending: Buffer[] = []
  private readonly stream: ReadStream

  constructor(path: string, chunkSize: number) {
    this.stream = createReadStream(path, {highWaterMark: chunkSize})
    this.iterator = this.stream[Symbol.asyncIterator]()
  }

  close(): void {
    this.stream.destroy()
  }

  async next(): Promise<Buffer | null> {
    const queued = this.pending.shift()
    if (queued) return queued
    return this.read()
  }

  /** Reads chunks until `enough(head, eof)` or PEEK_MAX; they will be returned again by next(). */
  async peek(enough: (head: Buffer, eof: boolean) => boolean): Promise<{eof: boolean; head: Buffer}> {
    for (;;) {
      const head = Buffer.concat(this.pending)
      if (enough(head, false) || head.length >= PEEK_MAX) return {eof: false, head}

      const chunk = await this.read()
      if (chunk === null) return {eof: true, head}
      this.pending.push(chunk)
    }
  }

  private async read(): Promise<Buffer | null> {
    try {
      const r = await this.iterator.next()
      if (r.done) return null
      this.bytesRead += r.value.length
      return r.value
    } catch (error) {
      throw new UnreadableError(String((error as NodeJS.ErrnoException).code ?? 'EIO'))
    }
  }
}

class Utf8Failure extends Error {
  constructor(readonly line: number) {
    super('invalid UTF-8')
  }
}

/** Continuation bytes a UTF-8 lead byte announces; -1 for a byte that cannot start a sequence. */
function sequenceLength(lead: number): number {
  if (lead < 0x80) return 0
  if (lead >= 0xC2 && lead <= 0xDF) return 1
  if (lead >= 0xE0 && lead <= 0xEF) return 2
  if (lead >= 0xF0 && lead <= 0xF4) return 3
  return -1
}

/** Overlong forms, surrogates and code points past U+10FFFF, told by the first two bytes. */
function badSecondByte(lead: number, second: number): boolean {
  return (lead === 0xE0 && second < 0xA0) || (lead === 0xED && second > 0x9F) || (lead === 0xF0 && second < 0x90) || (lead === 0xF4 && second > 0x8F)
}

/** The offset of the first byte that breaks UTF-8, skipping a sequence begun in the previous chunk. */
function firstInvalidUtf8(b: Uint8Array): number {
  let i = 0
  while (i < 3 && i < b.length && (b[i] & 0xC0) === 0x80) i++
  while (i < b.length) {
    const n = sequenceLength(b[i])
    if (n < 0) return i
    if (i + n >= b.length) return i // incomplete at the end: reported by the final flush
    for (let k = 1; k <= n; k++) if ((b[i + k] & 0xC0) !== 0x80) return i
    if (n > 0 && badSecondByte(b[i], b[i + 1])) return i
    i += n + 1
  }

  return 0
}

function countNewlines(text: string, end = text.length): number {
  let n = 0
  let i = text.indexOf('\n')
  while (i !== -1 && i < end) {
    n++
    i = text.indexOf('\n', i + 1)
  }

  return n
}

/** Strict decoding that knows which line it is on. */
class LineDecoder {
  /** Line of the last non-whitespace character decoded. */
  lastContentLine = 0
  /** Newlines decoded so far. */
  newlines = 0
  private readonly decoder: TextDecoder

  constructor(private readonly encoding: Encoding) {
    this.decoder = new TextDecoder(encoding, {fatal: true})
  }

  decode(chunk: Buffer): string {
    let text: string
    try {
      text = this.decoder.decode(chunk, {stream: true})
    } catch {
      const at = this.encoding === 'utf8' ? firstInvalidUtf8(chunk) : 0
      let nl = 0
      for (let i = 0; i < at; i++) if (chunk[i] === 0x0A) nl++
      throw new Utf8Failure(this.newlines + nl + 1)
    }

    this.account(text)
    return text
  }

  end(): string {
    let text: string
    try {
      text = this.decoder.decode()
    } catch {
      throw new Utf8Failure(this.newlines + 1)
    }

    this.account(text)
    return text
  }

  private account(text: string): void {
    let last = text.length - 1
    while (last >= 0 && JSON_WS.has(text[last])) last--
    const before = this.newlines
    this.newlines += countNewlines(text)
    if (last >= 0) this.lastContentLine = before + countNewlines(text, last) + 1
  }
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
  const source = new ByteSource(path, options.chunkSize ?? 1024 * 1024)
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

    if (detection.kind === 'error') {
      // Garbage that is not UTF-8 is better described as such than as "not JSON".
      const utf8 = await firstUtf8Problem(source, encoding)
      yield utf8 === null ? fail(null, detection.code, detection.detail) : fail(null, 'INVALID_UTF8', 'invalid byte sequence', {line: utf8})
      return
    }

    if (detection.kind !== 'mode') return // unreachable: detect() only asks for more before EOF
    const {mode} = detection
    const decoder = new LineDecoder(encoding)
    yield * mode === 'ndjson' ? readNdjson(source, decoder) : readJson(source, decoder, mode, path, encoding)
  } finally {
    source.close()
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
async function firstUtf8Problem(source: ByteSource, encoding: Encoding): Promise<null | number> {
  const decoder = new LineDecoder(encoding)
  try {
    for (;;) {
      const chunk = await source.next()
      if (chunk === null) break
      decoder.decode(chunk)
      if (source.bytesRead >= PEEK_MAX) return null
    }

    decoder.end()
  } catch (error) {
    if (error instanceof Utf8Failure) return error.line
  }

  return null
}

/**
 * Decoded text of the rest of the file; on a decoding or read failure, records it and ends.
 * @yields decoded text chunks
 */
async function * decodedText(source: ByteSource, decoder: LineDecoder, failure: {error: unknown}): AsyncGenerator<string> {
  try {
    for (;;) {
      const chunk = await source.next()
      if (chunk === null) break
      const text = decoder.decode(chunk)
      if (text !== '') yield text
    }

    const tail = decoder.end()
    if (tail !== '') yield tail
  } catch (error) {
    failure.error = error
  }
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

async function * readNdjson(source: ByteSource, decoder: LineDecoder): AsyncGenerator<WebhookFileItem> {
  const failure: {error: unknown} = {error: null}
  const input = Readable.from(decodedText(source, decoder, failure))
  const rl = readline.createInterface({crlfDelay: Number.POSITIVE_INFINITY, input})
  let lineNo = 0
  let index = 0
  let lines = 0
  let nonBlank = 0
  let lastValue: unknown
  let broken: null | {column: null | number; detail: string; line: number; truncated: boolean} = null
  try {
    for await (const raw of rl) {
      lineNo++
      const text = raw.trim()
      if (text === '') continue
      nonBlank++
      if (broken) {
        // Another line follows the broken one: it was not the end of a cut file.
        broken.truncated = false
        break
      }

      let value: unknown
      try {
        value = JSON.parse(text)
      } catch (error) {
        const {message} = (error as Error)
        const where = parseErrorPosition(message, text.length)
        broken = {
          column: where.column,
          detail: message,
          line: lineNo,
          truncated: where.atEnd,
        }
        continue
      }

      lines++
      lastValue = value
      // A line holding an array of payloads is read like an array file.
      for (const payload of Array.isArray(value) ? value : [value]) {
        yield {
          bytesRead: source.bytesRead,
          index: index++,
          kind: 'payload',
          line: lineNo,
          payload,
        }
      }
    }
  } finally {
    rl.close()
    input.destroy()
  }

  const shape: WebhookFileShape = nonBlank > 1 ? 'ndjson' : (Array.isArray(lastValue) ? 'array' : 'object')
  if (failure.error !== null) {
    yield failureItem(failure.error, shape, index)
    return
  }

  if (broken) {
    const code = broken.truncated ? 'TRUNCATED' : 'NDJSON_LINE'
    yield fail(shape, code, broken.detail, {column: broken.column, line: broken.line, payloadsBefore: index})
    return
  }

  if (lines === 0) {
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

function writeText(stream: Transform, text: string): Promise<void> {
  return new Promise((resolve, reject) => {
    stream.write(text, error => (error ? reject(error) : resolve()))
  })
}

function endStream(stream: Transform): Promise<void> {
  return new Promise((resolve, reject) => {
    stream.once('error', reject)
    stream.once('finish', resolve)
    stream.end()
  })
}

class ParseFailure extends Error {
  /**
   * @param atEnd the parser failed once all the input was in
   * @param cause the parser's error
   * @param pending the input the parser was still holding, unparsed (null when unknown)
   */
  constructor(readonly atEnd: boolean, readonly cause: Error, readonly pending: null | string) {
    super(cause.message)
  }
}

/** Whitespace, or the start of a literal or number cut short: what a file cut in the middle of a value leaves. */
const CUT_VALUE = /^\s*(?:t(?:r(?:u)?)?|f(?:a(?:l(?:s)?)?)?|n(?:u(?:l)?)?|-?\d*(?:\.\d*)?(?:[Ee][+-]?\d*)?)\s*$/

/** The text stream-json's parser keeps while it waits for more input (an internal of stream-json 1.x). */
function pendingInput(parser: Parser): null | string {
  const pending = (parser as unknown as {_buffer?: unknown})._buffer
  return typeof pending === 'string' ? pending : null
}

interface Token {
  name: string
  value?: string
}

type AssemblerInternals = Assembler & {_saveValue(value: unknown): void; stringValue(value: unknown): void}

/** An Assembler that stores a `__proto__` key as an own property, as JSON.parse does, instead of setting the prototype. */
function safeAssembler(): Assembler {
  const a = new Assembler() as AssemblerInternals
  const save = a._saveValue.bind(a)
  a._saveValue = (value: unknown): void => {
    if (!a.done && !Array.isArray(a.current) && a.key === '__proto__') {
      Object.defineProperty(a.current, '__proto__', {
        configurable: true,
        enumerable: true,
        value,
        writable: true,
      })
      a.key = null
    } else {
      save(value)
    }
  }

  a.stringValue = a._saveValue
  return a
}

/**
 * stream-json's Parser, its tokens handed straight to an Assembler as StreamArray/StreamValues do, minus the
 * stream hop per token (which cost most of the time). Completed values wait in `ready` until drained.
 */
class ValueParser extends Parser {
  readonly ready: unknown[] = []
  private readonly assembler = safeAssembler()

  constructor(private readonly level: 0 | 1) {
    // decodeStrings: false, or Writable turns the decoded text back into bytes for the parser to decode again.
    super({
      decodeStrings: false,
      jsonStreaming: level === 0,
      packValues: true,
      streamValues: false,
    })
  }

  override push(token: null | Token): boolean {
    if (token === null) return false
    const a = this.assembler as unknown as Assembler & Record<string, (value?: string) => void>
    const consume = a[token.name]
    if (typeof consume !== 'function') return true
    consume.call(a, token.value)
    if (a.depth === this.level) {
      if (this.level === 1) {
        // The element just completed is the last of the top-level array: take it out so the array stays empty.
        const top = a.current as unknown[]
        if (top.length > 0) this.ready.push(top.pop())
      } else {
        this.ready.push(a.current)
        a.current = null
        a.key = null
      }
    }

    return true
  }
}

async function * readJson(source: ByteSource, decoder: LineDecoder, mode: 'array' | 'document', path: string, encoding: Encoding): AsyncGenerator<WebhookFileItem> {
  const parser = new ValueParser(mode === 'array' ? 1 : 0)
  parser.on('error', () => {}) // failures arrive through the write callbacks
  let index = 0
  let values = 0
  let failure: unknown = null
  const drain = function * (): Generator<WebhookFileItem> {
    for (const value of parser.ready.splice(0)) {
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

  try {
    let ended = false
    try {
      for (;;) {
        const chunk = await source.next()
        if (chunk === null) break
        const text = decoder.decode(chunk)
        if (text !== '') await writeText(parser, text)
        yield * drain()
      }

      const tail = decoder.end()
      if (tail !== '') await writeText(parser, tail)
      ended = true
      await endStream(parser)
    } catch (error) {
      failure = error instanceof Utf8Failure || error instanceof UnreadableError ? error : new ParseFailure(ended, error as Error, pendingInput(parser))
    }

    yield * drain()
  } finally {
    parser.destroy()
  }

  const shape: WebhookFileShape = mode === 'array' ? 'array' : (values > 1 ? 'concatenated' : 'object')
  if (failure instanceof ParseFailure) {
    yield await locateParseError(failure, {
      decoder, encoding, mode, path, payloadsBefore: index, shape,
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

/**
 * stream-json's parser does not say where it failed: on that rare path the file is read again through its
 * Verifier, which does. A failure at the very end of the content is a truncated file.
 */
interface ParseContext {
  decoder: LineDecoder
  encoding: Encoding
  mode: 'array' | 'document'
  path: string
  payloadsBefore: number
  shape: WebhookFileShape
}

async function locateParseError(failure: ParseFailure, ctx: ParseContext): Promise<WebhookFileItem> {
  const {decoder, encoding, mode, path, payloadsBefore, shape} = ctx
  const detail = failure.cause.message.replace(/^Parser /, '')
  // Out of input in the middle of a value: a cut file, no need to read it all again to say so.
  if (failure.atEnd && failure.pending !== null && CUT_VALUE.test(failure.pending)) {
    return fail(shape, 'TRUNCATED', detail, {line: decoder.lastContentLine, payloadsBefore})
  }

  const verifier = new Verifier({jsonStreaming: mode === 'document'})
  const text = new TextDecoder(encoding)
  let fed = 0
  let contentEnd = 0
  const found = await new Promise<null | {line: number; offset: number; pos: number}>(resolve => {
    const stream = createReadStream(path)
    verifier.on('error', (error: Error & {line?: number; pos?: number}) => {
      stream.destroy()
      const offset = Number(/ERROR at (\d+)/.exec(error.message)?.[1] ?? Number.NaN)
      resolve({line: error.line ?? 0, offset, pos: error.pos ?? 0})
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
    // The verifier disagreed: report what the parser knew.
    const line = failure.atEnd ? decoder.lastContentLine : decoder.newlines + 1
    return fail(shape, failure.atEnd ? 'TRUNCATED' : 'INVALID_JSON', failure.cause.message, {line, payloadsBefore})
  }

  if (failure.atEnd && !(found.offset < contentEnd)) return fail(shape, 'TRUNCATED', detail, {line: decoder.lastContentLine, payloadsBefore})
  return fail(shape, 'INVALID_JSON', detail, {column: found.pos, line: found.line, payloadsBefore})
}
