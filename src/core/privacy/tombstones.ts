/**
 * Erasure tombstones: what identifies the messages of an erased citizen, without personal data, so that
 * re-importing the same chats or webhook dumps does not bring them back (GDPR art. 17). Only salted hashes are
 * kept: of each erased request id (stable across re-imports of the same message) and of the number, with the
 * date of the erasure, so that a new request from that number can say it was erased before; and, under the
 * number's hash, of the citizen's names word by word, so that erasing the number again finds a copy that holds
 * only the name (an old export put back, a line pasted into a note) once the tables no longer say it.
 */
import {createHash} from 'node:crypto'

export const TOMBSTONE_VERSION = 2

export interface TombstoneFile {
  /**
   * Salted hash of a number → the salted hashes of its citizen's names (nameKey: the words sorted), each as
   * `<words>:<hash>` so that a search knows how many words to hash at a time. Added in version 2 (absent before: no names known).
   */
  names: Record<string, string[]>
  /** Salted hash of a number → the day its data were erased (AAAA-MM-GG). */
  phones: Record<string, string>
  /** Salted hashes of the erased request ids. */
  requests: string[]
  /** Random, per data folder: the hashes cannot be compared with another folder's or looked up in a table. */
  salt: string
  version: number
}

/** Names kept as hashes: `<words>:<hash>` keys (nameKey) and the salt they were made with. */
export interface HashedNames {
  keys: readonly string[]
  salt: string
}

export function saltedHash(salt: string, value: string): string {
  return createHash('sha256').update(salt).update('\u0000').update(value).digest('hex').slice(0, 32)
}

export function emptyTombstones(salt: string): TombstoneFile {
  return {
    names: {}, phones: {}, requests: [], salt, version: TOMBSTONE_VERSION,
  }
}

/** The words of a name or a text, as compared: letters and digits (apostrophes inside words kept), lower case. */
export function nameWords(text: string): string[] {
  return text.normalize('NFC').toLowerCase().split(/[^\p{L}\p{M}\p{N}'’]+/u).filter(w => w !== '')
}

/**
 * A name's tombstone entry: how many words it has, and the salted hash of them sorted and joined by single spaces
 * (sorted, because lists write the surname first as often as last: "Rossi Paolo", "ROSSI;Paolo"). Null for a name
 * without letters or digits.
 */
export function nameKey(salt: string, name: string): null | string {
  const words = nameWords(name)
  return words.length === 0 ? null : `${words.length}:${saltedHash(salt, words.sort().join(' '))}`
}

/** Adds one erasure: its request ids and the number, on `day`. Returns how many request ids were new. */
export function addErasure(file: TombstoneFile, erased: {day: string; names?: readonly string[]; phone: null | string; requestIds: readonly string[]}): number {
  file.version = Math.max(file.version, TOMBSTONE_VERSION)
  const known = new Set(file.requests)
  let added = 0
  for (const id of erased.requestIds) {
    const h = saltedHash(file.salt, id)
    if (known.has(h)) continue
    known.add(h)
    file.requests.push(h)
    added++
  }

  if (erased.phone !== null) {
    const key = saltedHash(file.salt, erased.phone)
    file.phones[key] = erased.day
    const names = new Set(file.names[key])
    for (const n of erased.names ?? []) {
      const k = nameKey(file.salt, n)
      if (k) names.add(k)
    }

    if (names.size > 0) file.names[key] = [...names].sort()
  }

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

  /** The salted name hashes kept for this number (see TombstoneFile.names), with the salt to compare them. */
  namesOf(phone: string): HashedNames | undefined {
    const names = this.file.names[saltedHash(this.file.salt, phone)]
    return names && names.length > 0 ? {keys: names, salt: this.file.salt} : undefined
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
  const names: Record<string, string[]> = {}
  if (typeof raw.names === 'object' && raw.names !== null) {
    for (const [k, v] of Object.entries(raw.names)) if (Array.isArray(v)) names[k] = v.filter(x => typeof x === 'string' && /^\d+:[0-9a-f]+$/.test(x))
  }

  return {
    names,
    phones: typeof raw.phones === 'object' && raw.phones !== null ? raw.phones : {},
    requests: raw.requests.filter(x => typeof x === 'string'),
    salt: raw.salt,
    version: typeof raw.version === 'number' ? raw.version : TOMBSTONE_VERSION,
  }
}
