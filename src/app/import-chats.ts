/**
 * The chat exports of one import, read one file at a time so that memory does not grow with the number of files
 * (issue 13, hostile sizes). A chat whose own dates tell the day from the month is parsed and extracted as soon
 * as it is read, and its text let go. A chat that cannot tell waits as the hash of its text; once every file has
 * been read, the batch's majority order is known (chat-formats.md §4) and the waiting chats are read again.
 */
import {createHash} from 'node:crypto'
import path from 'node:path'

import {
  batchDateOrder,
  buildChat,
  type ChatParseResult,
  type DateOrder,
  type DateOrderEvidence,
  extractRequests,
  firstMessageAfter,
  parseChat,
  scanChat,
} from '../core/chat-export/index.js'
import {type IncomingRequest} from '../core/requests/merge.js'
import {type ChatFileText, readChatFile} from '../io/chat-file.js'
import {type ImportFileResult, type ImportFormat, type NearMissView} from './import.js'

/** What the chats of an import are read with. */
export interface ChatSettings {
  dateOrder?: DateOrder
  defaultCountry: string
  keyword: string
  /** Messages dated after this (the import time plus a day) stop the file, unless the date order was given. */
  latestMs: number
  phone: null | string
  selfNames: string[]
}

/** Where the chats' findings go: the import's batch, results and near misses. */
export interface ChatSink {
  addRequest: (request: IncomingRequest) => void
  keepNearMisses: boolean
  nearMisses: NearMissView[]
  results: ImportFileResult[]
}

interface Waiting {
  container: 'txt' | 'zip'
  entry: null | string
  file: string
  hash: string
}

const digest = (text: string): string => createHash('sha256').update(text).digest('hex')

const formatOf = (container: 'txt' | 'zip'): ImportFormat => (container === 'zip' ? 'chat-zip' : 'chat-txt')

export class ChatBatch {
  /** The evidence of every chat that decided its own order: the batch's vote. */
  private readonly decided: DateOrderEvidence[] = []
  private readonly waiting: Waiting[] = []

  constructor(private readonly settings: ChatSettings, private readonly sink: ChatSink) {}

  /** Reads again the chats that could not tell their date order, and parses them with the batch's majority. */
  async finish(): Promise<void> {
    const batchOrder = batchDateOrder(this.decided)
    const {defaultCountry} = this.settings
    // Each file read once more, whatever the number of its waiting chats (a zip can hold hundreds).
    let read: undefined | {chats: ChatFileText[]; file: string}
    for (const w of this.waiting) {
      if (read?.file !== w.file) {
        const again = await readChatFile(w.file)
        read = {chats: again.ok ? again.chats : [], file: w.file}
      }

      const chat = read.chats.find(c => c.entry === w.entry)
      if (!chat || digest(chat.text) !== w.hash) {
        this.sink.results.push({
          error: {code: 'chat-file:changed', entry: w.entry ?? undefined}, format: formatOf(w.container), ignored: 0, messages: 0, path: w.file, requests: 0,
        })
        continue
      }

      this.extract(w.file, w.container, chat, parseChat(chat.text, {batchOrder, defaultCountry, names: chat.names}))
    }

    this.waiting.length = 0
  }

  /** The chats of one file (a zip can hold several): each parsed now, or set aside until finish(). */
  take(file: string, container: 'txt' | 'zip', chats: ChatFileText[]): void {
    const {dateOrder, defaultCountry} = this.settings
    for (const chat of chats) {
      if (dateOrder) {
        this.extract(file, container, chat, parseChat(chat.text, {dateOrder, defaultCountry, names: chat.names}))
        continue
      }

      const scanned = scanChat(chat.text, {defaultCountry, names: chat.names})
      if (!scanned.ok) this.extract(file, container, chat, scanned)
      else if (scanned.scan.evidence.decided) {
        this.decided.push(scanned.scan.evidence)
        this.extract(file, container, chat, buildChat(scanned.scan, scanned.scan.evidence.decided))
      } else this.waiting.push({
        container, entry: chat.entry, file, hash: digest(chat.text),
      })
    }
  }

  private extract(file: string, container: 'txt' | 'zip', chat: ChatFileText, p: ChatParseResult): void {
    const {results} = this.sink
    const format = formatOf(container)
    if (!p.ok) {
      // JSON that is not a WhatsApp envelope lands here too: say it is not a known format.
      results.push({
        error: {code: `chat:${p.error.reason}`, detail: p.error.detail, line: p.error.line}, format: 'unknown', ignored: 0, messages: 0, path: file, requests: 0,
      })
      return
    }

    const future = this.settings.dateOrder ? undefined : firstMessageAfter(p.chat, this.settings.latestMs)
    if (future) {
      results.push({
        error: {
          code: 'chat:future-date', detail: future.receivedAt, entry: chat.entry ?? undefined, line: future.line,
        }, format, ignored: 0, messages: 0, path: file, requests: 0,
      })
      return
    }

    const {defaultCountry, keyword, phone, selfNames} = this.settings
    const x = extractRequests(p.chat, {
      defaultCountry, keyword, phone, selfNames,
    })
    const label = chat.entry ? `${path.basename(file)}!${chat.entry}` : path.basename(file)
    for (const r of x.requests) {
      this.sink.addRequest({
        action: r.action,
        author: r.author,
        identity: `chat\u0000${r.author}\u0000${r.receivedAt}\u0000${r.rawText}`,
        name: r.name,
        phone: r.phone,
        phoneSource: r.phoneSource ?? undefined,
        rawText: r.rawText,
        receivedAt: r.receivedAt,
        source: `${label}:${r.line}`,
      })
    }

    if (this.sink.keepNearMisses) for (const n of x.nearMisses) this.sink.nearMisses.push({
      author: n.author, receivedAt: n.receivedAt, source: `${label}:${n.line}`, text: n.rawText,
    })
    results.push({
      dateOrder: {order: p.chat.dateOrder, reason: p.chat.dateOrderReason},
      format,
      ignored: x.ignored,
      messages: x.messages,
      path: file,
      requests: x.requests.length,
    })
  }
}
