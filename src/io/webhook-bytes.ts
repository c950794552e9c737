/**
 * The bytes of a webhook dump, read into one reused buffer: encoding and binary signatures, UTF-8 checked as the
 * chunks come in, and the window a reader keeps (a chunk plus the line or value it is in, capped at
 * MAX_VALUE_BYTES). Used by webhook-file.ts.
 */
import {isUtf8} from 'node:buffer'
import {type FileHandle, open} from 'node:fs/promises'
import {TextDecoder} from 'node:util'

export const PEEK_MAX = 4 * 1024 * 1024
export const JSON_WS = new Set([' ', '\t', '\n', '\r', '\uFEFF'])

export type Encoding = 'utf8' | 'utf-16be' | 'utf-16le'

/**
 * The largest single JSON value (a payload, or a top-level document) or NDJSON line read. The webhook receiver
 * refuses bodies over 3 MB, as Meta's payloads are far smaller; 16 MiB leaves room for loggers that wrap a payload
 * with their own fields, and bounds memory on a hostile file (a 200 MB one-line JSON).
 */
export const MAX_VALUE_BYTES = 16 * 1024 * 1024

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

export function encodingOf(bytes: Uint8Array): Encoding {
  if (bytes[0] === 0xFF && bytes[1] === 0xFE) return 'utf-16le'
  if (bytes[0] === 0xFE && bytes[1] === 0xFF) return 'utf-16be'
  return 'utf8'
}

/** The signature of a binary file, or null when the bytes can be text. */
export function binaryKind(bytes: Uint8Array, encoding: Encoding): null | string {
  for (const [name, sig] of SIGNATURES) if (startsWith(bytes, sig)) return name
  if (encoding === 'utf8' && bytes.includes(0)) return 'nul'
  return null
}

export class UnreadableError extends Error {
  constructor(readonly errno: string) {
    super(errno)
  }
}

/** One line or value is bigger than MAX_VALUE_BYTES: `line` is where it begins. */
export class TooLargeFailure extends Error {
  constructor(readonly line: number) {
    super('value too large')
  }
}

export class Utf8Failure extends Error {
  constructor(readonly line: number) {
    super('invalid UTF-8')
  }
}

/**
 * The file as UTF-8 bytes without a BOM, chunk by chunk (UTF-16 is transcoded: every newline stays on its line).
 * The head can be examined first; next() then returns it again. A chunk is valid until the next call.
 */
export class ByteSource {
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
export function sequenceLength(lead: number): number {
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

export const NL = 0x0A

export function isBlankByte(c: number): boolean {
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
export class Window {
  buf: Buffer
  /** Bytes [0, checked) are valid UTF-8; the rest, up to `end`, is the start of a character cut by the chunk. */
  checked = 0
  end = 0
  /** Line of the last non-blank byte checked so far. */
  lastContentLine = 0
  /** Newlines in the bytes checked so far, file-wide. */
  newlines = 0

  /**
   * @param source the bytes
   * @param size the buffer's first size
   * @param maxHeld the most bytes kept for one unfinished line or value (MAX_VALUE_BYTES)
   */
  constructor(private readonly source: ByteSource, size: number, private readonly maxHeld = MAX_VALUE_BYTES) {
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
    if (this.end > this.maxHeld) throw new TooLargeFailure(this.lineOfStart())
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

  /** The line on which the bytes still held begin (they were counted when checked). */
  private lineOfStart(): number {
    let held = 0
    for (let i = this.buf.indexOf(NL, 0); i !== -1 && i < this.checked; i = this.buf.indexOf(NL, i + 1)) held++
    return this.newlines - held + 1
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
