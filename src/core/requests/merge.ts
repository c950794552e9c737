import {createHash} from 'node:crypto'

import {checkName, storedField, storedText} from '../safe-text.js'
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

/**
 * The record a request becomes when it is new: pending, `importedAt` still empty (set when it is merged).
 * The boundary of the store: texts lose their control characters, short fields are capped and never start like a
 * formula, a name that checkName refuses is no name (safe-text.ts). The id comes from the identity as read.
 */
export function requestRecord(inc: IncomingRequest): RequestRecord {
  const name = inc.name === null ? null : checkName(inc.name)
  const record: RequestRecord = {
    action: inc.action,
    id: requestId(inc.identity),
    importedAt: '',
    name: name?.ok ? name.name : null,
    phone: inc.phone,
    rawText: storedText(inc.rawText),
    receivedAt: inc.receivedAt,
    source: storedField(inc.source),
    status: 'pending',
  }
  const author = inc.author ? storedField(inc.author) : ''
  const userId = inc.userId ? storedField(inc.userId) : ''
  if (author.trim() !== '') record.author = author
  if (userId.trim() !== '') record.userId = userId
  if (inc.phoneSource) record.phoneSource = inc.phoneSource
  return record
}

/** Where a batch keeps its records: a JsonSpill (src/io/spill.ts) on a real import, an array in tests. */
export interface RecordStore<M> {
  add(record: RequestRecord): void
  mark(): M
  /** The records from `from` (the start by default) on, in the order added, as new objects on each call. */
  read(from?: M): Iterable<RequestRecord>
  /** Forgets the records added after `mark`. */
  truncate(mark: M): void
}

/** A RecordStore in memory. */
export class ArrayStore implements RecordStore<number> {
  private readonly records: RequestRecord[] = []

  add(record: RequestRecord): void {
    this.records.push(record)
  }

  mark(): number {
    return this.records.length
  }

  * read(from = 0): Generator<RequestRecord> {
    for (const r of this.records.slice(from)) yield structuredClone(r)
  }

  truncate(mark: number): void {
    this.records.length = mark
  }
}

/**
 * The requests an import found, stored as records from the moment they are found; a request seen twice
 * (webhooks come at least once) is counted and dropped at once. In memory only the ids stay: the records wait in
 * the store until the merge reads them back.
 */
export class IncomingBatch<M = number> {
  /** Requests dropped as already in the batch. */
  duplicates = 0
  private readonly ids = new Set<string>()

  constructor(private readonly store: RecordStore<M>) {}

  add(inc: IncomingRequest): void {
    const record = requestRecord(inc)
    if (this.ids.has(record.id)) {
      this.duplicates++
      return
    }

    this.ids.add(record.id)
    this.store.add(record)
  }

  /** Where the batch is now, to go back to with rollback(). */
  mark(): {duplicates: number; store: M} {
    return {duplicates: this.duplicates, store: this.store.mark()}
  }

  /** The records, in the order found. */
  records(): Iterable<RequestRecord> {
    return this.store.read()
  }

  /** Forgets what was added since `mark` (a file that turned out unreadable contributes nothing). */
  rollback(mark: {duplicates: number; store: M}): void {
    for (const r of this.store.read(mark.store)) this.ids.delete(r.id)
    this.store.truncate(mark.store)
    this.duplicates = mark.duplicates
  }
}

/** `a` is newer than `b`: later receivedAt, the greater id on a tie (the order pendingQueue uses). */
const newer = (a: {id: string; t: number}, b: {id: string; t: number}) => a.t - b.t > 0 || (!(a.t - b.t < 0) && a.id > b.id)

/** A pending request superseded by a newer one of the same phone (DESIGN §4). */
function supersede(r: RequestRecord, by: string, now: string): RequestRecord {
  return {
    ...r, decidedAt: now, decidedBy: 'cerveno-info', reason: by, status: 'superseded',
  }
}

interface Newest {
  id: string
  t: number
}

/** Pending requests of one phone: how many, and the newest. */
interface PhoneTally {
  count: number
  newest: Newest
}

function tally(tallies: Map<string, PhoneTally>, r: RequestRecord): void {
  const phone = r.phone!
  const candidate = {id: r.id, t: Date.parse(r.receivedAt)}
  const t = tallies.get(phone)
  if (t === undefined) tallies.set(phone, {count: 1, newest: candidate})
  else {
    t.count++
    if (newer(candidate, t.newest)) t.newest = candidate
  }
}

/**
 * Merges a batch into the stored requests: a record whose id is stored already is a duplicate (same id = same
 * message, whatever the file), the others are added as pending; then among the pending requests of each phone
 * with a new request only the newest stays pending, the older ones are superseded by it.
 *
 * Neither side is held in memory: `stored` and the batch are read again on each pass, and the merge keeps the
 * stored ids and, per phone, the count and newest of the pending requests. The rows to write, and what the audit
 * says, are made while they are written. O(stored + batch) per pass.
 */
export class BatchMerge<M> {
  /** New requests. */
  readonly added: number = 0
  /** Whether stored rows are superseded: the table must be rewritten, not appended to. */
  readonly changesStored: boolean
  readonly duplicates: number
  /** Requests superseded, stored or new. */
  readonly superseded: number = 0
  /** New requests without a phone. */
  readonly unresolvedPhones: number = 0
  private readonly known = new Set<string>()
  /** The newest pending request of each phone with a new request. */
  private readonly newest = new Map<string, Newest>()

  constructor(private readonly stored: () => Iterable<RequestRecord>, private readonly batch: IncomingBatch<M>, private readonly now: string) {
    const storedPending = new Map<string, PhoneTally>()
    for (const r of stored()) {
      this.known.add(r.id)
      if (r.status === 'pending' && r.phone !== null) tally(storedPending, r)
    }

    let {duplicates} = batch
    const fresh = new Map<string, PhoneTally>()
    for (const r of batch.records()) {
      if (this.known.has(r.id)) {
        duplicates++
        continue
      }

      this.added++
      if (r.phone === null) this.unresolvedPhones++
      else tally(fresh, r)
    }

    this.duplicates = duplicates
    let storedSuperseded = 0
    for (const [phone, t] of fresh) {
      const old = storedPending.get(phone)
      const newest = old && newer(old.newest, t.newest) ? old.newest : t.newest
      this.newest.set(phone, newest)
      this.superseded += t.count + (old?.count ?? 0) - 1
      if (old) storedSuperseded += old.count - (newest === old.newest ? 1 : 0)
    }

    this.changesStored = storedSuperseded > 0
  }

  /**
   * The new requests as they were found: pending, imported now. Read back from the batch's store on each call.
   * @yields each new request, in the order found
   */
  * newRequests(): Generator<RequestRecord> {
    for (const r of this.batch.records()) {
      if (this.known.has(r.id)) continue
      r.importedAt = this.now
      yield r
    }
  }

  /**
   * The new rows of the table: the new requests, superseded when a newer pending request of their phone exists.
   * @yields each new row, in order
   */
  * newRows(): Generator<RequestRecord> {
    for (const r of this.newRequests()) yield this.asStored(r)
  }

  /**
   * The whole table after the merge: the stored rows, the superseded ones changed, then the new rows.
   * @yields each row, in order
   */
  * rows(): Generator<RequestRecord> {
    for (const r of this.stored()) yield this.asStored(r)
    yield * this.newRows()
  }

  /**
   * Every request this merge superseded, with the id of the request that superseded it: stored rows first, then
   * new requests, each in order.
   * @yields a superseded request, as it was, and the id superseding it
   */
  * supersessions(): Generator<{before: RequestRecord; by: string}> {
    for (const source of this.changesStored ? [this.stored(), this.newRequests()] : [this.newRequests()]) {
      for (const r of source) {
        const by = this.supersededBy(r)
        if (by !== undefined) yield {before: r, by}
      }
    }
  }

  private asStored(r: RequestRecord): RequestRecord {
    const by = this.supersededBy(r)
    return by === undefined ? r : supersede(r, by, this.now)
  }

  /** The id of the newer pending request that supersedes `r`, if `r` is pending and one does. */
  private supersededBy(r: RequestRecord): string | undefined {
    if (r.status !== 'pending' || r.phone === null) return undefined
    const best = this.newest.get(r.phone)
    return best === undefined || best.id === r.id ? undefined : best.id
  }
}

const byTime = (a: RequestRecord, b: RequestRecord) => Date.parse(a.receivedAt) - Date.parse(b.receivedAt) || (a.id < b.id ? -1 : 1)

/** Pending requests, oldest first: the review queue. */
export function pendingQueue(list: readonly RequestRecord[]): RequestRecord[] {
  return list.filter(r => r.status === 'pending').sort(byTime)
}
