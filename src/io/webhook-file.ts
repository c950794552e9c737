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

export type WebhookFileErrorCode =
  | 'BINARY' // not text (NUL bytes, zip/gzip/pdf/image signature)
  | 'EMPTY' // nothing but whitespace
  | 'INVALID_JSON' // a syntax error inside a JSON document (line, column)
  | 'INVALID_UTF8' // bytes that are not UTF-8 (line)
  | 'NDJSON_LINE' // one NDJSON line is not JSON (line, column)
  | 'NOT_JSON' // text that does not start with `{` or `[`
  | 'TRUNCATED' // the JSON ends before its last value is complete (line where it ended)
  | 'UNREADABLE' // the file cannot be opened or read (detail = errno code)

export interface WebhookFileError {
  code: WebhookFileErrorCode
  /** 1-based line of the problem, when known. */
  line: null | number
  /** 1-based column within that line, when known. */
  column: null | number
  /** Technical detail in English (parser message, errno code, signature found): for logs, not for the clerk. */
  detail: string
  /** Payloads yielded before the problem was found (the caller usually drops them with the file). */
  payloadsBefore: number
}

export type WebhookFileItem =
  | {
      kind: 'payload'
      payload: unknown
      /** 0-based position among the file's payloads. */
      index: number
      /** 1-based line for NDJSON; null for arrays and multi-line documents. */
      line: null | number
      /** Bytes read from the file so far (for progress bars). */
      bytesRead: number
    }
  | {kind: 'end'; shape: WebhookFileShape; payloads: number; bytes: number}
  | {kind: 'error'; shape: null | WebhookFileShape; error: WebhookFileError}

export interface ReadWebhookFileOptions {
  /** Read size; 1 MiB by default. */
  chunkSize?: number
}

const PEEK_MAX = 4 * 1024 * 1024
const JSON_WS = new Set([' ', '\t', '\n', '\r', '\uFEFF'])

type Encoding = 'utf-16be' | 'utf-16le' | 'utf-8'

const SIGNATURES: Array<[string, number[]]> = [
  ['zip', [0x50, 0x4b, 0x03, 0x04]],
  ['zip', [0x50, 0x4b, 0x05, 0x06]],
  ['gzip', [0x1f, 0x8b]],
  ['pdf', [0x25, 0x50, 0x44, 0x46, 0x2d]],
  ['png', [0x89, 0x50, 0x4e, 0x47]],
  ['jpeg', [0xff, 0xd8, 0xff]],
  ['7z', [0x37, 0x7a, 0xbc, 0xaf]],
]

function startsWith(bytes: Uint8Array, sig: number[]): boolean {
  return bytes.length >= sig.length && sig.every((b, i) => bytes[i] === b)
}

function encodingOf(bytes: Uint8Array): Encoding {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return 'utf-16le'
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return 'utf-16be'
  return 'utf-8'
}

/** The signature of a binary file, or null when the bytes can be text. */
function binaryKind(bytes: Uint8Array, encoding: Encoding): null | string {
  for (const [name, sig] of SIGNATURES) if (startsWith(bytes, sig)) return name
  if (encoding === 'utf-8' && bytes.includes(0)) return 'nul'
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
      // eslint-disable-next-line no-await-in-loop
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

/** The offset of the first byte that breaks UTF-8, skipping a sequence begun in the previous chunk. */
function firstInvalidUtf8(b: Uint8Array): number {
  let i = 0
  while (i < 3 && i < b.length && (b[i] & 0xc0) === 0x80) i++
  while (i < b.length) {
    const x = b[i]
    let n = 0
    if (x < 0x80) n = 0
    else if (x >= 0xc2 && x <= 0xdf) n = 1
    else if (x >= 0xe0 && x <= 0xef) n = 2
    else if (x >= 0xf0 && x <= 0xf4) n = 3
    else return i
    if (i + n >= b.length) return i // incomplete at the end: reported by the final flush
    for (let k = 1; k <= n; k++) if ((b[i + k] & 0xc0) !== 0x80) return i
    const y = b[i + 1]
    if ((x === 0xe0 && y < 0xa0) || (x === 0xed && y > 0x9f) || (x === 0xf0 && y < 0x90) || (x === 0xf4 && y > 0x8f)) return i
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
  /** Newlines decoded so far. */
  newlines = 0
  /** Line of the last non-whitespace character decoded. */
  lastContentLine = 0
  private readonly decoder: TextDecoder

  constructor(private readonly encoding: Encoding) {
    this.decoder = new TextDecoder(encoding, {fatal: true})
  }

  decode(chunk: Buffer): string {
    let text: string
    try {
      text = this.decoder.decode(chunk, {stream: true})
    } catch {
      const at = this.encoding === 'utf-8' ? firstInvalidUtf8(chunk) : 0
      let nl = 0
      for (let i = 0; i < at; i++) if (chunk[i] === 0x0a) nl++
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

type Detection = {code: WebhookFileErrorCode; detail: string; kind: 'error'} | {kind: 'more'} | {kind: 'mode'; mode: Mode}

function tryJson(text: string): boolean {
  try {
    JSON.parse(text)
    return true
  } catch {
    return false
  }
}

/** Decides the reader from the head of the file: first non-blank byte, and whether the first line stands alone. */
function detect(text: string, eof: boolean, capped: boolean): Detection {
  const start = skipWs(text, 0)
  if (start === text.length) {
    if (eof) return {kind: 'error', code: 'EMPTY', detail: 'only whitespace'}
    return capped ? {kind: 'error', code: 'NOT_JSON', detail: 'no content in the first bytes'} : {kind: 'more'}
  }

  const c = text[start]
  if (c !== '{' && c !== '[') return {kind: 'error', code: 'NOT_JSON', detail: `starts with ${JSON.stringify(c)}`}
  if (c === '[') {
    // An array of payloads opens an object; an iOS chat export opens `[14/03/25, 09:21:00]`.
    const inner = skipWs(text, start + 1)
    if (inner === text.length && !eof && !capped) return {kind: 'more'}
    if (inner < text.length && !'{[]'.includes(text[inner])) {
      return {kind: 'error', code: 'NOT_JSON', detail: `starts with ${JSON.stringify(text.slice(start, inner + 1))}`}
    }
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

/** Reads the file and yields its payloads, then one `end` or `error` item. */
export async function* readWebhookFile(path: string, options: ReadWebhookFileOptions = {}): AsyncGenerator<WebhookFileItem, void, undefined> {
  const source = new ByteSource(path, options.chunkSize ?? 1024 * 1024)
  try {
    let encoding: Encoding
    let detection: Detection
    try {
      const {eof, head} = await source.peek(
        (bytes) =>
          bytes.length >= 4 &&
          (binaryKind(bytes, encodingOf(bytes)) !== null ||
            detect(new TextDecoder(encodingOf(bytes)).decode(bytes, {stream: true}), false, false).kind !== 'more'),
      )
      encoding = encodingOf(head)
      const binary = binaryKind(head, encoding)
      if (binary !== null) {
        yield fail(null, 'BINARY', null, binary)
        return
      }

      detection = detect(new TextDecoder(encoding).decode(head, {stream: !eof}), eof, head.length >= PEEK_MAX)
    } catch (error) {
      yield fail(null, 'UNREADABLE', null, error instanceof UnreadableError ? error.errno : String(error))
      return
    }

    if (detection.kind === 'error') {
      // Garbage that is not UTF-8 is better described as such than as "not JSON".
      const utf8 = await firstUtf8Problem(source, encoding)
      yield utf8 === null ? fail(null, detection.code, null, detection.detail) : fail(null, 'INVALID_UTF8', utf8, 'invalid byte sequence')
      return
    }

    if (detection.kind !== 'mode') return // unreachable: detect() only asks for more before EOF
    const {mode} = detection
    const decoder = new LineDecoder(encoding)
    yield* mode === 'ndjson' ? readNdjson(source, decoder) : readJson(source, decoder, mode, path, encoding)
  } finally {
    source.close()
  }
}

function fail(shape: null | WebhookFileShape, code: WebhookFileErrorCode, line: null | number, detail: string, column: null | number = null, payloadsBefore = 0): WebhookFileItem {
  return {kind: 'error', shape, error: {code, line, column, detail, payloadsBefore}}
}

/** Line of the first invalid byte sequence in the (unread part of the) file head, or null. */
async function firstUtf8Problem(source: ByteSource, encoding: Encoding): Promise<null | number> {
  const decoder = new LineDecoder(encoding)
  try {
    for (;;) {
      // eslint-disable-next-line no-await-in-loop
      const chunk = await source.next()
      if (chunk === null) break
      decoder.decode(chunk)
      if (decoder.newlines > 0 || source.bytesRead >= PEEK_MAX) return null
    }

    decoder.end()
  } catch (error) {
    if (error instanceof Utf8Failure) return error.line
  }

  return null
}

/** Decoded text of the rest of the file; on a decoding or read failure, records it and ends. */
async function* decodedText(source: ByteSource, decoder: LineDecoder, failure: {error: unknown}): AsyncGenerator<string> {
  try {
    for (;;) {
      // eslint-disable-next-line no-await-in-loop
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
  if (error instanceof Utf8Failure) return fail(shape, 'INVALID_UTF8', error.line, 'invalid byte sequence', null, payloadsBefore)
  const errno = error instanceof UnreadableError ? error.errno : String(error)
  return fail(shape, 'UNREADABLE', null, errno, null, payloadsBefore)
}

/** V8's JSON.parse message says where it stopped: "end of JSON input" or "at position N". */
function parseErrorPosition(message: string, length: number): {atEnd: boolean; column: null | number} {
  if (/end of JSON input/i.test(message)) return {atEnd: true, column: length + 1}
  const m = /position (\d+)/.exec(message)
  if (!m) return {atEnd: false, column: null}
  const pos = Number(m[1])
  return {atEnd: pos >= length, column: pos + 1}
}

async function* readNdjson(source: ByteSource, decoder: LineDecoder): AsyncGenerator<WebhookFileItem> {
  const failure: {error: unknown} = {error: null}
  const input = Readable.from(decodedText(source, decoder, failure))
  const rl = readline.createInterface({input, crlfDelay: Number.POSITIVE_INFINITY})
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
        const message = (error as Error).message
        const where = parseErrorPosition(message, text.length)
        broken = {line: lineNo, column: where.column, detail: message, truncated: where.atEnd}
        continue
      }

      lines++
      lastValue = value
      // A line holding an array of payloads is read like an array file.
      for (const payload of Array.isArray(value) ? value : [value]) {
        yield {kind: 'payload', payload, index: index++, line: lineNo, bytesRead: source.bytesRead}
      }
    }
  } finally {
    rl.close()
    input.destroy()
  }

  const shape: WebhookFileShape = nonBlank > 1 ? 'ndjson' : Array.isArray(lastValue) ? 'array' : 'object'
  if (failure.error !== null) {
    yield failureItem(failure.error, shape, index)
    return
  }

  if (broken) {
    const code = broken.truncated ? 'TRUNCATED' : 'NDJSON_LINE'
    yield fail(shape, code, broken.line, broken.detail, broken.column, index)
    return
  }

  if (lines === 0) {
    yield fail(null, 'EMPTY', null, 'no JSON line')
    return
  }

  yield {kind: 'end', shape, payloads: index, bytes: source.bytesRead}
}

function writeText(stream: Transform, text: string): Promise<void> {
  return new Promise((resolve, reject) => {
    stream.write(text, (error) => (error ? reject(error) : resolve()))
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
  constructor(readonly atEnd: boolean, readonly cause: Error) {
    super(cause.message)
  }
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
      Object.defineProperty(a.current, '__proto__', {configurable: true, enumerable: true, value, writable: true})
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
    super({decodeStrings: false, jsonStreaming: level === 0, packValues: true, streamValues: false})
  }

  override push(token: Token | null): boolean {
    if (token === null) return false
    const a = this.assembler as unknown as Record<string, (value?: string) => void> & Assembler
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

async function* readJson(source: ByteSource, decoder: LineDecoder, mode: 'array' | 'document', path: string, encoding: Encoding): AsyncGenerator<WebhookFileItem> {
  const parser = new ValueParser(mode === 'array' ? 1 : 0)
  parser.on('error', () => {}) // failures arrive through the write callbacks
  let index = 0
  let values = 0
  let failure: unknown = null
  const drain = function* (): Generator<WebhookFileItem> {
    for (const value of parser.ready.splice(0)) {
      values++
      const batch = mode === 'document' && Array.isArray(value) ? value : [value]
      for (const payload of batch) yield {kind: 'payload', payload, index: index++, line: null, bytesRead: source.bytesRead}
    }
  }

  try {
    let ended = false
    try {
      for (;;) {
        // eslint-disable-next-line no-await-in-loop
        const chunk = await source.next()
        if (chunk === null) break
        const text = decoder.decode(chunk)
        // eslint-disable-next-line no-await-in-loop
        if (text !== '') await writeText(parser, text)
        yield* drain()
      }

      const tail = decoder.end()
      if (tail !== '') await writeText(parser, tail)
      ended = true
      await endStream(parser)
    } catch (error) {
      failure = error instanceof Utf8Failure || error instanceof UnreadableError ? error : new ParseFailure(ended, error as Error)
    }

    yield* drain()
  } finally {
    parser.destroy()
  }

  const shape: WebhookFileShape = mode === 'array' ? 'array' : values > 1 ? 'concatenated' : 'object'
  if (failure instanceof ParseFailure) {
    yield await locateParseError(path, encoding, mode, failure, decoder, shape, index)
    return
  }

  if (failure !== null) {
    yield failureItem(failure, shape, index)
    return
  }

  if (values === 0) {
    yield fail(null, 'EMPTY', null, 'no JSON value')
    return
  }

  yield {kind: 'end', shape, payloads: index, bytes: source.bytesRead}
}

/**
 * stream-json's parser does not say where it failed: on that rare path the file is read again through its
 * Verifier, which does. A failure at the very end of the content is a truncated file.
 */
async function locateParseError(path: string, encoding: Encoding, mode: 'array' | 'document', failure: ParseFailure, decoder: LineDecoder, shape: WebhookFileShape, payloadsBefore: number): Promise<WebhookFileItem> {
  const verifier = new Verifier({jsonStreaming: mode === 'document'})
  const text = new TextDecoder(encoding)
  let fed = 0
  let contentEnd = 0
  const found = await new Promise<null | {line: number; offset: number; pos: number}>((resolve) => {
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
    return fail(shape, failure.atEnd ? 'TRUNCATED' : 'INVALID_JSON', line, failure.cause.message, null, payloadsBefore)
  }

  const detail = failure.cause.message.replace(/^Parser /, '')
  if (failure.atEnd && !(found.offset < contentEnd)) return fail(shape, 'TRUNCATED', decoder.lastContentLine, detail, null, payloadsBefore)
  return fail(shape, 'INVALID_JSON', found.line, detail, found.pos, payloadsBefore)
}
