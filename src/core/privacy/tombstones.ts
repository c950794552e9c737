/**
 * Erasure tombstones: what identifies the messages of an erased citizen, without personal data in clear, so that
 * re-importing the same chats or webhook dumps does not bring them back (GDPR art. 17). Only salted hashes are
 * kept: of each erased request id (stable across re-imports of the same message); of the number, with the date of
 * the erasure, so that a new request from that number can say it was erased before; and, under the number's key,
 * of the citizen's names word by word, so that erasing the number again finds a copy that holds only the name (an
 * old export put back, a line pasted into a note) once the tables no longer say it.
 *
 * A number is a small space (every Italian mobile is 10⁷ guesses): its key is made with scrypt, slow on purpose,
 * and the names are hashed with a secret that only the number's scrypt gives, so a stolen file yields neither
 * a number nor, without first guessing the number, a name. (Version 1 files hashed the number with one SHA-256;
 * those entries are read as they are, as `legacyPhones`.)
 */
import {createHash, scryptSync} from 'node:crypto'

export const TOMBSTONE_VERSION = 2

export interface TombstoneFile {
  /** Version 1's fast hashes of numbers → day: still recognised, never written for a new erasure. */
  legacyPhones: Record<string, string>
  /**
   * A number's key (phoneSecrets) → the hashes of its citizen's names (nameKey with the number's name secret, the
   * words sorted), each as `<words>:<hash>` so that a search knows how many words to hash at a time.
   */
  names: Record<string, string[]>
  /** A number's key (phoneSecrets, scrypt) → the day its data were erased (AAAA-MM-GG). */
  phones: Record<string, string>
  /** Salted hashes of the erased request ids. */
  requests: string[]
  /** Random, per data folder: the hashes cannot be compared with another folder's or looked up in a table. */
  salt: string
  version: number
}

/** scrypt's cost: about 50 ms and 16 MiB a number, done once per erasure and once per review card. */
const SCRYPT = {N: 2 ** 14, p: 1, r: 8}

/** A number's key in the file, and the secret its names are hashed with (never stored). */
export function phoneSecrets(salt: string, phone: string): {key: string; nameSecret: string} {
  const bytes = scryptSync(phone, `${salt}\u0000tombstone`, 48, SCRYPT)
  return {key: bytes.subarray(0, 16).toString('hex'), nameSecret: bytes.subarray(16).toString('hex')}
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
    legacyPhones: {}, names: {}, phones: {}, requests: [], salt, version: TOMBSTONE_VERSION,
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
    const {key, nameSecret} = phoneSecrets(file.salt, erased.phone)
    file.phones[key] = erased.day
    delete file.legacyPhones[saltedHash(file.salt, erased.phone)]
    const names = new Set(file.names[key])
    for (const n of erased.names ?? []) {
      const k = nameKey(nameSecret, n)
      if (k) names.add(k)
    }

    if (names.size > 0) file.names[key] = [...names].sort()
  }

  return added
}

/** Lookups for import, review and a repeated erasure. */
export class TombstoneIndex {
  private readonly requests: Set<string>
  private readonly secrets = new Map<string, {key: string; nameSecret: string}>()

  constructor(private readonly file: TombstoneFile) {
    this.requests = new Set(file.requests)
  }

  isErased(requestId: string): boolean {
    return this.requests.has(saltedHash(this.file.salt, requestId))
  }

  /** The hashed names kept for this number (see TombstoneFile.names), with the secret to compare them. */
  namesOf(phone: string): HashedNames | undefined {
    const {key, nameSecret} = this.secretsOf(phone)
    const names = this.file.names[key]
    return names && names.length > 0 ? {keys: names, salt: nameSecret} : undefined
  }

  /** The day this number's data were erased, if they were. */
  phoneErasedOn(phone: null | string): string | undefined {
    if (phone === null) return undefined
    if (Object.keys(this.file.phones).length > 0) {
      const day = this.file.phones[this.secretsOf(phone).key]
      if (day) return day
    }

    return this.file.legacyPhones[saltedHash(this.file.salt, phone)]
  }

  private secretsOf(phone: string): {key: string; nameSecret: string} {
    let s = this.secrets.get(phone)
    if (!s) {
      s = phoneSecrets(this.file.salt, phone)
      this.secrets.set(phone, s)
    }

    return s
  }
}

/** Reads the file's JSON; anything unreadable is treated as absent by the caller. */
export function parseTombstones(text: string): TombstoneFile | undefined {
  const raw = JSON.parse(text) as Partial<TombstoneFile>
  if (typeof raw !== 'object' || raw === null || typeof raw.salt !== 'string' || !Array.isArray(raw.requests)) return undefined
  const version = typeof raw.version === 'number' ? raw.version : 1
  const days = (v: unknown): Record<string, string> => (typeof v === 'object' && v !== null ? v as Record<string, string> : {})
  const names: Record<string, string[]> = {}
  if (typeof raw.names === 'object' && raw.names !== null) {
    for (const [k, v] of Object.entries(raw.names)) if (Array.isArray(v)) names[k] = v.filter(x => typeof x === 'string' && /^\d+:[0-9a-f]+$/.test(x))
  }

  return {
    // Version 1 keyed numbers with one SHA-256: those keys stay recognisable, apart from the scrypt ones.
    legacyPhones: version < 2 ? days(raw.phones) : days(raw.legacyPhones),
    names,
    phones: version < 2 ? {} : days(raw.phones),
    requests: raw.requests.filter(x => typeof x === 'string'),
    salt: raw.salt,
    version,
  }
}
