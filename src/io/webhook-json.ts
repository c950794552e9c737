/**
 * JSON values cut out of a dump's bytes without parsing them (ValueSplitter), each then given whole to JSON.parse;
 * and, on the rare failure, where in the file it is (stream-json's Verifier). Used by webhook-file.ts.
 */
import {createReadStream} from 'node:fs'
import {type Writable} from 'node:stream'
import {TextDecoder} from 'node:util'
import Verifier from 'stream-json/utils/Verifier.js'

import {
  type Encoding, isBlankByte, JSON_WS, sequenceLength, type Window,
} from './webhook-bytes.js'

export class ParseFailure extends Error {
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
export class ValueSplitter {
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
export function parseValue(text: string, end: number): unknown {
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

export interface JsonContext {
  encoding: Encoding
  mode: 'array' | 'document'
  path: string
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

export interface ParseContext extends JsonContext {
  window: Window
}

/** Where JSON.parse's failure is in the file, and whether the file is merely cut short. */
export interface LocatedError {
  code: 'INVALID_JSON' | 'TRUNCATED'
  column?: number
  detail: string
  line: number
}

/**
 * JSON.parse only says where it failed inside one value: on that rare path the file is read again through
 * stream-json's Verifier, which gives the line and column. A value cut by the end of the file is a truncated file.
 */
export async function locateParseError(failure: ParseFailure, ctx: ParseContext): Promise<LocatedError> {
  const {encoding, mode, path, window} = ctx
  if (failure.atEnd && await isCutShort(failure.pending, mode === 'document')) {
    return {code: 'TRUNCATED', detail: failure.message, line: window.lastContentLine}
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
    return {code: failure.atEnd ? 'TRUNCATED' : 'INVALID_JSON', detail: failure.message, line}
  }

  if (failure.atEnd && !(found.offset < contentEnd)) return {code: 'TRUNCATED', detail: found.message, line: window.lastContentLine}
  return {
    code: 'INVALID_JSON', column: found.pos, detail: found.message, line: found.line,
  }
}
