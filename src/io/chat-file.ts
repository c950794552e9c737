/**
 * Reads a WhatsApp chat export from disk: a `.txt`, or a `.zip` (told by its signature, whatever the
 * extension, chat-formats.md §1.1) from which only the chat text is read — media stay in the zip.
 * Text must be UTF-8 (§1.2); the BOM is dropped. Problems come back as a ChatFileError, never thrown.
 */
import type {Entry, ZipFile} from 'yauzl'

import {open, stat} from 'node:fs/promises'
import {basename, dirname} from 'node:path'
import {TextDecoder} from 'node:util'

import {looksLikeChatExport} from '../core/chat-export/index.js'
import {TITLE_PREFIXES} from '../core/chat-export/locale.js'

/**
 * `binary`: NUL bytes, not a text file. `empty`: nothing in it. `is-directory`: the caller walks folders.
 * `not-utf8`: line and column of the first bad byte (detail `utf-16` for a UTF-16 BOM). `unreadable`:
 * cannot be opened or read (detail = errno code). `zip-corrupt`: truncated or damaged zip (detail = zip
 * library message). `zip-no-chat`: a zip without a chat text.
 */
export type ChatFileErrorReason = 'binary' | 'empty' | 'is-directory' | 'not-found' | 'not-utf8' | 'too-large' | 'unreadable' | 'zip-corrupt' | 'zip-no-chat'

export interface ChatFileError {
  /** 1-based column (in bytes) within that line, when known. */
  column?: number
  /** Technical detail in English, for logs. */
  detail?: string
  /** The zip entry the problem is in. */
  entry?: string
  /** 1-based line of the problem, when known. */
  line?: number
  reason: ChatFileErrorReason
}

export interface ChatFileText {
  /** The entry inside the zip, or null for a plain file. */
  entry: null | string
  /**
   * Names to read the chat title from, in priority order: the zip's own name, then the entry's
   * name and folder; for a plain file its name, then its folder. Pass them to parseChat as `names`.
   */
  names: string[]
  /** Decoded text, BOM removed. */
  text: string
}

export type ChatFileResult = {chats: ChatFileText[]; container: 'txt' | 'zip'; ok: true} | {error: ChatFileError; ok: false}

export type DecodeResult = {error: ChatFileError; ok: false} | {ok: true; text: string}

/**
 * The largest chat text read, alone or all the texts of one zip together. WhatsApp exports at most about 40,000
 * messages, 3.4 MiB in our benchmark (BENCHMARKS.md): 64 MiB is far above any real export, and bounds memory on a
 * hostile file (a 9.8 MB zip of 12 entries of 200 MB each). A zip entry is read as a stream and stopped there,
 * whatever size its header claims.
 */
export const MAX_TEXT_BYTES = 64 * 1024 * 1024

class TooLarge extends Error {
  constructor(readonly entry: string) {
    super('too large')
  }
}

const ZIP_SIGNATURES = [
  [0x50, 0x4B, 0x03, 0x04],
  [0x50, 0x4B, 0x05, 0x06], // empty zip
]

/** True when the bytes start with a zip signature. */
export function isZip(head: Uint8Array): boolean {
  return ZIP_SIGNATURES.some(sig => sig.every((b, i) => head[i] === b))
}

/** Offset of the first byte that does not start a valid UTF-8 sequence, or -1. */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  const n = bytes.length
  let i = 0
  while (i < n) {
    const b = bytes[i]
    if (b < 0x80) {
      i++
      continue
    }

    let need: number
    let lo = 0x80
    let hi = 0xBF
    if (b >= 0xC2 && b <= 0xDF) need = 1
    else if (b >= 0xE0 && b <= 0xEF) {
      need = 2
      if (b === 0xE0) lo = 0xA0
      else if (b === 0xED) hi = 0x9F
    } else if (b >= 0xF0 && b <= 0xF4) {
      need = 3
      if (b === 0xF0) lo = 0x90
      else if (b === 0xF4) hi = 0x8F
    } else return i

    if (i + need >= n) return i
    const second = bytes[i + 1]
    if (second < lo || second > hi) return i
    for (let k = 2; k <= need; k++) {
      const c = bytes[i + k]
      if (c < 0x80 || c > 0xBF) return i
    }

    i += need + 1
  }

  return -1
}

function position(bytes: Uint8Array, offset: number): {column: number; line: number} {
  let line = 1
  let lineStart = 0
  for (let i = 0; i < offset; i++) {
    if (bytes[i] === 0x0A) {
      line++
      lineStart = i + 1
    }
  }

  return {column: offset - lineStart + 1, line}
}

/** Strict UTF-8 decoding of a chat text; BOM dropped. */
export function decodeChatText(bytes: Uint8Array): DecodeResult {
  if (bytes.length === 0) return {error: {reason: 'empty'}, ok: false}
  if ((bytes[0] === 0xFF && bytes[1] === 0xFE) || (bytes[0] === 0xFE && bytes[1] === 0xFF)) {
    return {
      error: {
        column: 1, detail: 'utf-16', line: 1, reason: 'not-utf8',
      }, ok: false,
    }
  }

  const nul = bytes.indexOf(0)
  if (nul !== -1) return {error: {reason: 'binary', ...position(bytes, nul)}, ok: false}
  try {
    const text = new TextDecoder('utf8', {fatal: true}).decode(bytes)
    const cleaned = text.codePointAt(0) === 0xFE_FF ? text.slice(1) : text
    return {ok: true, text: cleaned}
  } catch {
    const at = firstInvalidUtf8(bytes)
    return {error: {reason: 'not-utf8', ...position(bytes, Math.max(at, 0))}, ok: false}
  }
}

/** Reads one path: a chat text or a zip holding one. */
export async function readChatFile(path: string): Promise<ChatFileResult> {
  let size: number
  try {
    const info = await stat(path)
    if (info.isDirectory()) return {error: {reason: 'is-directory'}, ok: false}
    size = info.size
  } catch (error) {
    return fsError(error)
  }

  if (size === 0) return {error: {reason: 'empty'}, ok: false}
  const zipName = basename(path)
  let head: Uint8Array
  try {
    head = await readHead(path)
  } catch (error) {
    return fsError(error)
  }

  if (isZip(head)) return readZip({path}, zipName)
  if (size > MAX_TEXT_BYTES) return {error: {detail: String(size), reason: 'too-large'}, ok: false}
  let bytes: Uint8Array
  try {
    const handle = await open(path, 'r')
    try {
      bytes = await handle.readFile()
    } finally {
      await handle.close()
    }
  } catch (error) {
    return fsError(error)
  }

  const decoded = decodeChatText(bytes)
  if (!decoded.ok) return decoded
  return {chats: [{entry: null, names: plainNames(path), text: decoded.text}], container: 'txt', ok: true}
}

/** Same as readChatFile for bytes already in memory (`name` stands for the file's name). */
export async function readChatBytes(bytes: Uint8Array, name: string): Promise<ChatFileResult> {
  if (bytes.length === 0) return {error: {reason: 'empty'}, ok: false}
  if (isZip(bytes)) return readZip({buffer: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)}, basename(name))
  if (bytes.length > MAX_TEXT_BYTES) return {error: {detail: String(bytes.length), reason: 'too-large'}, ok: false}
  const decoded = decodeChatText(bytes)
  if (!decoded.ok) return decoded
  return {chats: [{entry: null, names: plainNames(name), text: decoded.text}], container: 'txt', ok: true}
}

function plainNames(path: string): string[] {
  const names = [basename(path)]
  const folder = basename(dirname(path))
  if (folder !== '' && folder !== '.' && folder !== path) names.push(folder)
  return names
}

async function readHead(path: string): Promise<Uint8Array> {
  const handle = await open(path, 'r')
  try {
    const buf = new Uint8Array(4)
    const {bytesRead} = await handle.read(buf, 0, 4, 0)
    return buf.subarray(0, bytesRead)
  } finally {
    await handle.close()
  }
}

function fsError(error: unknown): {error: ChatFileError; ok: false} {
  const code = (error as NodeJS.ErrnoException | undefined)?.code ?? 'EUNKNOWN'
  if (code === 'ENOENT') return {error: {detail: code, reason: 'not-found'}, ok: false}
  if (code === 'EISDIR') return {error: {detail: code, reason: 'is-directory'}, ok: false}
  return {error: {detail: code, reason: 'unreadable'}, ok: false}
}

const lowerPrefixes = TITLE_PREFIXES.map(([p]) => p.toLowerCase())

function entryBase(name: string): string {
  return name.split('/').at(-1) ?? name
}

/** The chat texts of a zip (chat-formats.md §1.1): `_chat.txt`, else named exports, else the one `.txt`. */
function pickChatEntries(entries: Entry[]): {candidates: Entry[]; sure: boolean} {
  const texts = entries.filter(e => {
    const base = entryBase(e.fileName)
    return (
      !e.fileName.endsWith('/')
      && !e.fileName.startsWith('__MACOSX/')
      && !base.startsWith('._')
      && base.toLowerCase().endsWith('.txt')
    )
  })
  const ios = texts.filter(e => entryBase(e.fileName).toLowerCase() === '_chat.txt')
  if (ios.length > 0) return {candidates: ios, sure: true}
  const named = texts.filter(e => {
    const base = entryBase(e.fileName).replaceAll('_', ' ').toLowerCase()
    return lowerPrefixes.some(p => base.startsWith(p))
  })
  if (named.length > 0) return {candidates: named, sure: true}
  // Several unnamed texts (a shared .txt document among the media): keep those that read as chats.
  return {candidates: texts, sure: texts.length === 1}
}

async function readZip(source: {buffer: Buffer} | {path: string}, zipName: string): Promise<ChatFileResult> {
  const yauzl = (await import('yauzl')).default
  let zip: ZipFile
  try {
    const options = {
      autoClose: false, decodeStrings: true, lazyEntries: true, validateEntrySizes: true,
    }
    zip = 'path' in source ? await yauzl.openPromise(source.path, options) : await yauzl.fromBufferPromise(source.buffer, options)
  } catch (error) {
    return zipError(error)
  }

  try {
    const entries: Entry[] = []
    try {
      for await (const entry of zip.eachEntry()) entries.push(entry)
    } catch (error) {
      return zipError(error)
    }

    const {candidates, sure} = pickChatEntries(entries)
    const chats: ChatFileText[] = []
    let budget = MAX_TEXT_BYTES
    for (const entry of candidates) {
      if (entry.uncompressedSize > budget) {
        return {error: {detail: String(entry.uncompressedSize), entry: entry.fileName, reason: 'too-large'}, ok: false}
      }

      let bytes: Buffer
      try {
        bytes = await readEntry(zip, entry, budget)
      } catch (error) {
        if (error instanceof TooLarge) return {error: {detail: `over ${budget}`, entry: entry.fileName, reason: 'too-large'}, ok: false}
        return zipError(error, entry.fileName)
      }

      budget -= bytes.length

      const decoded = decodeChatText(bytes)
      if (!decoded.ok) {
        if (!sure) continue
        return {error: {...decoded.error, entry: entry.fileName}, ok: false}
      }

      if (!sure && !looksLikeChatExport(decoded.text)) continue
      const parts = entry.fileName.split('/').filter(p => p !== '')
      const names = [zipName, parts.at(-1) ?? entry.fileName]
      if (parts.length > 1) names.push(parts.at(-2) as string)
      chats.push({entry: entry.fileName, names, text: decoded.text})
    }

    if (chats.length === 0) return {error: {reason: 'zip-no-chat'}, ok: false}
    return {chats, container: 'zip', ok: true}
  } finally {
    zip.close()
  }
}

/** An entry's bytes, read as a stream and abandoned (TooLarge) as soon as they pass `max`. */
async function readEntry(zip: ZipFile, entry: Entry, max: number): Promise<Buffer> {
  const stream = await zip.openReadStreamPromise(entry)
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of stream) {
    size += (chunk as Buffer).length
    if (size > max) {
      stream.destroy()
      throw new TooLarge(entry.fileName)
    }

    chunks.push(chunk as Buffer)
  }

  return Buffer.concat(chunks)
}

function zipError(error: unknown, entry?: string): {error: ChatFileError; ok: false} {
  const detail = error instanceof Error ? error.message : String(error)
  const code = (error as NodeJS.ErrnoException | undefined)?.code
  if (code && /^E[A-Z]+$/.test(code)) return {error: {detail: code, reason: 'unreadable', ...(entry ? {entry} : {})}, ok: false}
  return {error: {detail, reason: 'zip-corrupt', ...(entry ? {entry} : {})}, ok: false}
}
