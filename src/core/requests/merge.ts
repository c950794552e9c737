import {createHash} from 'node:crypto'

import {type RequestAction} from './match.js'
import {type PhoneSource, type RequestRecord} from './types.js'

/** A request as an importer found it, before it meets the stored queue. */
export interface IncomingRequest {
  action: RequestAction
  author?: string
  /**
   * What makes this message the same message in any later export: for chats the title, author,
   * wall-clock time and text (file lines shift between exports); for webhooks the wamid.
   */
  identity: string
  name: null | string
  phone: null | string
  phoneSource?: PhoneSource
  rawText: string
  receivedAt: string
  source: string
  userId?: string
}

/** Short, stable id: 10 hex chars of SHA-256 over the message identity. */
export function requestId(identity: string): string {
  return createHash('sha256').update(identity).digest('hex').slice(0, 10)
}

export interface MergeResult {
  added: RequestRecord[]
  duplicates: number
  superseded: {before: RequestRecord; by: string}[]
}

/**
 * The same text as one flat string. A timestamp is built from pieces (a slice of an ISO date plus an offset), and
 * V8 keeps them all while it lives: twice the memory for a record kept to the end of an import. A regular
 * expression replacement always builds a new flat string.
 */
function flatCopy(s: string): string {
  return s.replace(/^/, '')
}

/** The record a request becomes when it is new: pending, `importedAt` still empty (set when it is merged). */
export function requestRecord(inc: IncomingRequest): RequestRecord {
  const record: RequestRecord = {
    action: inc.action,
    id: requestId(inc.identity),
    importedAt: '',
    name: inc.name,
    phone: inc.phone,
    rawText: inc.rawText,
    receivedAt: flatCopy(inc.receivedAt),
    source: inc.source,
    status: 'pending',
  }
  if (inc.author) record.author = inc.author
  if (inc.userId) record.userId = inc.userId
  if (inc.phoneSource) record.phoneSource = inc.phoneSource
  return record
}

/**
 * The requests an import found, kept as records from the moment they are found: one object per request, and a
 * request seen twice (webhooks come at least once) is counted and dropped at once. Memory grows with the distinct
 * requests only, whatever the size of the files.
 */
export class IncomingBatch {
  /** Requests dropped as already in the batch. */
  duplicates = 0
  readonly records: RequestRecord[] = []
  private readonly ids = new Set<string>()

  add(inc: IncomingRequest): void {
    const record = requestRecord(inc)
    if (this.ids.has(record.id)) {
      this.duplicates++
      return
    }

    this.ids.add(record.id)
    this.records.push(record)
  }

  /** Where the batch is now, to go back to with rollback(). */
  mark(): {duplicates: number; records: number} {
    return {duplicates: this.duplicates, records: this.records.length}
  }

  /** Forgets what was added since `mark` (a file that turned out unreadable contributes nothing). */
  rollback(mark: {duplicates: number; records: number}): void {
    for (const r of this.records.splice(mark.records)) this.ids.delete(r.id)
    this.duplicates = mark.duplicates
  }
}

/**
 * Adds new requests as pending (same id = same message = duplicate, whatever the file), then applies
 * the superseding rule. Mutates `list` in place, and the batch's records, which it adds. O(n + m).
 */
export function mergeBatch(list: RequestRecord[], batch: IncomingBatch, now: string): MergeResult {
  const known = new Set(list.map(r => r.id))
  const added: RequestRecord[] = []
  let {duplicates} = batch
  for (const record of batch.records) {
    if (known.has(record.id)) {
      duplicates++
      continue
    }

    record.importedAt = now
    list.push(record)
    added.push(record)
  }

  const superseded = supersedePending(list, now, new Set(added.map(r => r.phone).filter((p): p is string => p !== null)))
  return {added, duplicates, superseded}
}

const byTime = (a: RequestRecord, b: RequestRecord) => Date.parse(a.receivedAt) - Date.parse(b.receivedAt) || (a.id < b.id ? -1 : 1)

/**
 * Among pending requests of each phone in `phones`, only the newest stays pending; the older ones
 * are marked superseded by it. Mutates `list`.
 */
export function supersedePending(list: RequestRecord[], now: string, phones: ReadonlySet<string>): {before: RequestRecord; by: string}[] {
  const groups = new Map<string, number[]>()
  for (const [i, r] of list.entries()) {
    if (r.status !== 'pending' || r.phone === null || !phones.has(r.phone)) continue
    const g = groups.get(r.phone)
    if (g) g.push(i)
    else groups.set(r.phone, [i])
  }

  const out: {before: RequestRecord; by: string}[] = []
  for (const idx of groups.values()) {
    if (idx.length < 2) continue
    idx.sort((a, b) => byTime(list[a], list[b]))
    const newest = list[idx.at(-1)!]
    for (const i of idx.slice(0, -1)) {
      out.push({before: list[i], by: newest.id})
      list[i] = {
        ...list[i], decidedAt: now, decidedBy: 'cerveno-info', reason: newest.id, status: 'superseded',
      }
    }
  }

  return out
}

/** Pending requests, oldest first: the review queue. */
export function pendingQueue(list: readonly RequestRecord[]): RequestRecord[] {
  return list.filter(r => r.status === 'pending').sort(byTime)
}
