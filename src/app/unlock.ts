/** `cerveno-info unlock`: the locks left on a data folder, and their release. */
import path from 'node:path'

import {CervenoError} from '../core/errors.js'
import {toRomeIso} from '../core/time.js'
import {type DataFolder, type MutationContext} from '../io/data-folder.js'
import {runsDir} from '../io/journal.js'
import {
  breakLock, inspectLock, LOCK_NAME, lockHeld, type LockState,
} from '../io/lock.js'

export interface HeldLock {
  /** Age when looked at, in ms (absent when the record does not say when it was taken). */
  ageMs?: number
  command?: string
  host?: string
  /** `data`: the data folder (.lock); `broadcast`: the broadcast run lock (invii/.lock). */
  lock: 'broadcast' | 'data'
  pid?: number
  /** When it was taken (Rome time, ISO 8601). */
  since?: string
  /** `gone`: its process of this computer no longer exists; `foreign`: held by another computer. */
  verdict: LockState['verdict']
}

interface Found {
  dir: string
  state: LockState
  view: HeldLock
}

/** The locks present in the data folder, each with its owner's verdict. */
export async function findLocks(folder: DataFolder): Promise<Found[]> {
  const found: Found[] = []
  const now = Date.now()
  for (const [lock, dir] of [['data', folder.dir], ['broadcast', runsDir(folder.dir)]] as const) {
    const state = await inspectLock(path.join(dir, LOCK_NAME))
    if (!state) continue
    const o = state.owner
    const view: HeldLock = {lock, verdict: state.verdict}
    if (o) {
      Object.assign(view, {host: o.host, pid: o.pid})
      if (o.command) view.command = o.command
      if (o.since > 0) Object.assign(view, {ageMs: Math.max(0, now - o.since), since: toRomeIso(o.since)})
    }

    found.push({dir, state, view})
  }

  return found
}

/**
 * Releases the locks found by findLocks, refusing (LOCK_IN_USE, exit 4) when one belongs to a live process of this
 * computer; a lock taken again meanwhile by someone else is left alone (LOCK_HELD). The release is audited.
 */
export async function releaseLocks(folder: DataFolder, ctx: MutationContext, found: Found[]): Promise<HeldLock[]> {
  for (const f of found) assertReleasable(f)
  for (const f of found) {
    const lockPath = path.join(f.dir, LOCK_NAME)
    if (!(await breakLock(lockPath, f.state))) throw lockHeld(f.dir, await inspectLock(lockPath))
  }

  const released = found.map(f => f.view)
  if (released.length > 0) {
    await folder.mutate(ctx, async tx => {
      tx.audit({action: 'folder.unlock', before: released, subject: folder.dir})
    })
  }

  return released
}

/** A lock of a running process of this computer is not released: LOCK_IN_USE. */
export function assertReleasable(f: Found): void {
  if (f.state.verdict === 'alive') {
    throw new CervenoError('LOCK_IN_USE', {ageMs: f.view.ageMs, pid: f.view.pid, which: f.view.lock})
  }
}
