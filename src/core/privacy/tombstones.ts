/**
 * Erasure tombstones: what identifies the messages of an erased citizen, without personal data, so that
 * re-importing the same chats or webhook dumps does not bring them back (GDPR art. 17). Only salted hashes are
 * kept: of each erased request id (stable across re-imports of the same message) and of the number, with the
 * date of the erasure, so that a new request from that number can say it was erased before.
 */
import {createHash} from 'node:crypto'

export const TOMBSTONE_VERSION = 1

export interface TombstoneFile {
  /** Salted hash of a number → the day its data were erased (AAAA-MM-GG). */
  phones: Record<string, string>
  /** Salted hashes of the erased request ids. */
  requests: string[]
  /** Random, per data folder: the hashes cannot be compared with another folder's or looked up in a table. */
  salt: string
  version: number
}

export function saltedHash(salt: string, value: string): string {
  return createHash('sha256').update(salt).update('\u0000').update(value).digest('hex').slice(0, 32)
}

export function emptyTombstones(salt: string): TombstoneFile {
  return {
    phones: {}, requests: [], salt, version: TOMBSTONE_VERSION,
  }
}

/** Adds one erasure: its request ids and the number, on `day`. Returns how many request ids were new. */
export function addErasure(file: TombstoneFile, erased: {day: string; phone: null | string; requestIds: readonly string[]}): number {
  const known = new Set(file.requests)
  let added = 0
  for (const id of erased.requestIds) {
    const h = saltedHash(file.salt, id)
    if (known.has(h)) continue
    known.add(h)
    file.requests.push(h)
    added++
  }

  if (erased.phone !== null) file.phones[saltedHash(file.salt, erased.phone)] = erased.day
  return added
}

/** Lookups for import and review. */
export class TombstoneIndex {
  private readonly requests: Set<string>

  constructor(private readonly file: TombstoneFile) {
    this.requests = new Set(file.requests)
  }

  isErased(requestId: string): boolean {
    return this.requests.has(saltedHash(this.file.salt, requestId))
  }

  /** The day this number's data were erased, if they were. */
  phoneErasedOn(phone: null | string): string | undefined {
    return phone === null ? undefined : this.file.phones[saltedHash(this.file.salt, phone)]
  }
}

/** Reads the file's JSON; anything unreadable is treated as absent by the caller. */
export function parseTombstones(text: string): TombstoneFile | undefined {
  const raw = JSON.parse(text) as Partial<TombstoneFile>
  if (typeof raw !== 'object' || raw === null || typeof raw.salt !== 'string' || !Array.isArray(raw.requests)) return undefined
  return {
    phones: typeof raw.phones === 'object' && raw.phones !== null ? raw.phones : {},
    requests: raw.requests.filter(x => typeof x === 'string'),
    salt: raw.salt,
    version: typeof raw.version === 'number' ? raw.version : TOMBSTONE_VERSION,
  }
}
