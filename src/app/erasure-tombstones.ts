/**
 * Erasure tombstones in the data folder (core/privacy/tombstones.ts): written by the erasure's own transaction, read by
 * import, review and a later erasure of the same number.
 */
import {randomBytes} from 'node:crypto'
import {readFile} from 'node:fs/promises'
import path from 'node:path'

import {searchableName} from '../core/privacy/match.js'
import {
  addErasure, emptyTombstones, parseTombstones, type TombstoneFile, TombstoneIndex,
} from '../core/privacy/tombstones.js'
import {
  IncomingBatch, type IncomingRequest, type RecordStore, requestId,
} from '../core/requests/merge.js'
import {type DataFolder, type MutationContext, type Transaction} from '../io/data-folder.js'
import {
  erasePerson, type PersonErasure, purge, type PurgeResult,
} from './privacy.js'

/** The tombstone file, beside the tables. It holds no number, name or text in clear: only salted hashes and days. */
export const TOMBSTONE_FILE = 'cancellazioni.json'

async function readTombstones(folder: DataFolder): Promise<TombstoneFile | undefined> {
  let text: string
  try {
    text = await readFile(path.join(folder.dir, TOMBSTONE_FILE), 'utf8')
  } catch {
    return undefined
  }

  try {
    return parseTombstones(text)
  } catch {
    return undefined
  }
}

export async function loadTombstoneIndex(folder: DataFolder): Promise<TombstoneIndex | undefined> {
  const file = await readTombstones(folder)
  return file ? new TombstoneIndex(file) : undefined
}

async function addTombstones(
  folder: DataFolder,
  tx: Transaction,
  erased: {names?: readonly string[]; phone: null | string; requestIds: readonly string[]},
): Promise<number> {
  const file = (await readTombstones(folder)) ?? emptyTombstones(randomBytes(16).toString('hex'))
  const added = addErasure(file, {...erased, day: tx.nowIso.slice(0, 10)})
  tx.writeFile(TOMBSTONE_FILE, JSON.stringify(file) + '\n')
  tx.audit({action: 'privacy.tombstones', after: {requests: added}, subject: TOMBSTONE_FILE})
  return added
}

/**
 * `privacy erase`: the erasure, with the tombstones of the citizen's requests (and the number, with today's date)
 * written in the same transaction: a crash leaves both or neither, and a repeated erasure adds none twice.
 */
export async function eraseWithTombstones(folder: DataFolder, ctx: MutationContext, phone: string, apply: boolean): Promise<PersonErasure> {
  const earlier = await readTombstones(folder)
  return erasePerson(folder, ctx, phone, apply, {
    namesHashed: earlier ? new TombstoneIndex(earlier).namesOf(phone) : undefined,
    async within(tx, selection) {
      // Names specific enough to be searched alone (as the erasure itself searches them), kept as hashes only.
      const names = selection.target.names.filter(n => searchableName(n))
      await addTombstones(folder, tx, {names, phone, requestIds: [...selection.requestIds]})
    },
  })
}

/** `privacy purge`: the requests the retention policy removes stay out of later imports too (no number kept). */
export async function purgeWithTombstones(folder: DataFolder, ctx: MutationContext): Promise<PurgeResult> {
  return purge(folder, ctx, true, async (tx, selection) => {
    if (selection.requestIds.size > 0) await addTombstones(folder, tx, {phone: null, requestIds: [...selection.requestIds]})
  })
}

/** An import batch that leaves out the messages of erased citizens, counting them. */
export class TombstonedBatch<M> extends IncomingBatch<M> {
  erased = 0

  constructor(store: RecordStore<M>, private readonly tombstones: TombstoneIndex) {
    super(store)
  }

  override add(inc: IncomingRequest): void {
    if (this.tombstones.isErased(requestId(inc.identity))) this.erased++
    else super.add(inc)
  }

  override mark(): {duplicates: number; erased: number; store: M} {
    return {...super.mark(), erased: this.erased}
  }

  override rollback(mark: {duplicates: number; erased?: number; store: M}): void {
    super.rollback(mark)
    if (mark.erased !== undefined) this.erased = mark.erased
  }
}
