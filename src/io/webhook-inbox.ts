/**
 * The receiver's inbox: `webhook/AAAA-MM-GG.ndjson` in the data folder, one verified payload per line, appended by
 * `webhook serve` (inbox-writer.ts) without the data-folder lock, and read by `import` from where the last import
 * of each file stopped. Only whole lines count: a last line without its newline is still being written, or was
 * torn by a crash (the receiver cuts it on its next start), and is never read.
 */
import {type Dirent} from 'node:fs'
import {open, readdir, stat} from 'node:fs/promises'
import path from 'node:path'

import {type WebhookFileItem} from './webhook-file.js'

export const INBOX_DIR = 'webhook'
const INBOX_FILE = /^\d{4}-\d{2}-\d{2}\.ndjson$/

/** `.stato.json` key of the import positions. */
export const INBOX_STATE_KEY = 'webhookInbox'

/** How far a file was imported: the byte just after the last line read, and that line's number. */
export interface InboxPosition {
  line: number
  offset: number
}

export interface InboxState {
  files: Record<string, InboxPosition>
}

const pad = (n: number) => String(n).padStart(2, '0')

/** The inbox file of a day of receipt, in the machine's local time. */
export function inboxFileName(at: Date): string {
  return `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())}.ndjson`
}

/** The inbox files, oldest day first, with their sizes. */
export async function listInbox(dataDir: string): Promise<Array<{file: string; name: string; size: number}>> {
  const dir = path.join(dataDir, INBOX_DIR)
  let entries: Dirent[]
  try {
    entries = await readdir(dir, {withFileTypes: true})
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return []
    throw error
  }

  const names = entries.filter(e => e.isFile() && INBOX_FILE.test(e.name)).map(e => e.name).sort()
  const out = []
  for (const name of names) {
    const file = path.join(dir, name)
    out.push({file, name, size: (await stat(file)).size})
  }

  return out
}

/** One inbox file to read, from its last position up to the size it had when the import began. */
export class InboxSource {
  /** Where the next import starts once this read ends well; the start until then. */
  position: InboxPosition
  /** Lines read that are not JSON (hand edits): skipped, with their numbers. */
  readonly skipped: number[] = []

  /**
   * @param file the inbox file
   * @param name its name, the key of its position
   * @param start where reading begins
   * @param end the file's size when the import began: lines appended later wait for the next import
   * @param seen the committed offset when the import began (not `start` when the file was replaced)
   */
  constructor(readonly file: string, readonly name: string, readonly start: InboxPosition, readonly end: number, readonly seen?: number) {
    this.position = start
  }

  /**
   * The payloads of the whole lines in [start, end), in the reader's item shape (webhook-file.ts).
   * @yields payload items, then one end or error item
   */
  async * items(chunkSize = 1024 * 1024): AsyncGenerator<WebhookFileItem> {
    let {line, offset} = this.start
    let index = 0
    let carry = Buffer.alloc(0)
    const chunk = Buffer.allocUnsafe(chunkSize)
    let handle
    try {
      handle = await open(this.file, 'r')
      let at = offset
      while (at < this.end) {
        const {bytesRead} = await handle.read(chunk, 0, Math.min(chunk.length, this.end - at), at)
        if (bytesRead === 0) break
        at += bytesRead
        const bytes = carry.length > 0 ? Buffer.concat([carry, chunk.subarray(0, bytesRead)]) : chunk.subarray(0, bytesRead)
        let from = 0
        for (let nl = bytes.indexOf(0x0A, from); nl !== -1; nl = bytes.indexOf(0x0A, from)) {
          line++
          const payloads = lineValues(bytes.toString('utf8', from, nl))
          offset += nl + 1 - from
          from = nl + 1
          if (payloads === null) this.skipped.push(line)
          for (const payload of payloads ?? []) yield {
            bytesRead: offset, index: index++, kind: 'payload', line, payload,
          }
        }

        carry = Buffer.from(bytes.subarray(from))
      }
    } catch (error) {
      yield {
        error: {
          code: 'UNREADABLE', column: null, detail: String((error as NodeJS.ErrnoException).code ?? 'EIO'), line: null, payloadsBefore: index,
        },
        kind: 'error',
        shape: 'ndjson',
      }
      return
    } finally {
      await handle?.close()
    }

    this.position = {line, offset}
    yield {
      bytes: offset - this.start.offset, kind: 'end', payloads: index, shape: 'ndjson',
    }
  }
}

/** The payloads of one line (a line may hold an array of them; a blank line none), or null when it is not JSON. */
function lineValues(text: string): null | unknown[] {
  const trimmed = text.trim()
  if (trimmed === '') return []
  try {
    const value: unknown = JSON.parse(trimmed)
    return Array.isArray(value) ? value : [value]
  } catch {
    return null
  }
}

/**
 * What an import of the inbox reads: every file with bytes past its last position. A file now shorter than its
 * position was replaced (restored from a backup, emptied by hand): it is read again from the start, and the
 * import's de-duplication keeps that from adding anything twice.
 */
export async function inboxSources(dataDir: string, state: InboxState | undefined): Promise<InboxSource[]> {
  const sources: InboxSource[] = []
  for (const {file, name, size} of await listInbox(dataDir)) {
    const known = state?.files?.[name]
    const start = known && known.offset <= size ? known : {line: 0, offset: 0}
    if (size > start.offset) sources.push(new InboxSource(file, name, start, size, known?.offset))
  }

  return sources
}

/**
 * The positions after a read: the previous ones (of files still there), moved on for the sources read to their end.
 * A position never moves back, should another import have gone further meanwhile.
 */
export function nextInboxState(previous: InboxState | undefined, sources: readonly InboxSource[], present: ReadonlySet<string>): InboxState {
  const files = Object.fromEntries(Object.entries(previous?.files ?? {}).filter(([name]) => present.has(name)))
  for (const s of sources) {
    const committed = files[s.name]?.offset
    const movedMeanwhile = committed !== undefined && committed !== s.seen
    if (!(movedMeanwhile && committed > s.position.offset)) files[s.name] = s.position
  }

  return {files}
}
