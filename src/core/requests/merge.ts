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
 * Adds new requests as pending (same id = same message = duplicate, whatever the file), then applies
 * the superseding rule. Mutates `list` in place. O(n + m).
 */
export function mergeRequests(list: RequestRecord[], incoming: readonly IncomingRequest[], now: string): MergeResult {
  const known = new Set(list.map(r => r.id))
  const added: RequestRecord[] = []
  let duplicates = 0
  for (const inc of incoming) {
    const id = requestId(inc.identity)
    if (known.has(id)) {
      duplicates++
      continue
    }

    known.add(id)
    const record: RequestRecord = {
      action: inc.action,
      id,
      importedAt: now,
      name: inc.name,
      phone: inc.phone,
      rawText: inc.rawText,
      receivedAt: inc.receivedAt,
      source: inc.source,
      status: 'pending',
    }
    if (inc.author) record.author = inc.author
    if (inc.userId) record.userId = inc.userId
    if (inc.phoneSource) record.phoneSource = inc.phoneSource
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
