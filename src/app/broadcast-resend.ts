/** "No accidental resend" (DESIGN §6): the same notice sent for real in the last days is named before a new run. */
import {runStatus} from '../core/broadcast/run-state.js'
import {CervenoError} from '../core/errors.js'
import {type DataFolder} from '../io/data-folder.js'
import {
  listRunIds, readManifest, type RunManifest, runsDir,
} from '../io/journal.js'
import {isLockHeld} from '../io/lock.js'
import {loadLedger} from './broadcast-plan.js'
import {isAlive} from './broadcast-report.js'

export const RESEND_WINDOW_MS = 7 * 24 * 3_600_000

export interface EarlierSend {
  id: string
  recipients: number
  sent: number
  /** When that run started (ISO). */
  startedAt: string
}

/** The same message: same template and parameter text, or the same free text. */
export function sameMessage(a: Pick<RunManifest, 'mode' | 'sentText' | 'template'>, b: Pick<RunManifest, 'mode' | 'sentText' | 'template'>): boolean {
  return a.mode === b.mode && a.sentText === b.sentText
    && (a.template?.name ?? null) === (b.template?.name ?? null) && (a.template?.language ?? null) === (b.template?.language ?? null)
}

/** The latest real run (not a dry run, not a test send, not running now, that reached someone) of the same message in the last 7 days. */
export async function findEarlierSend(folder: DataFolder, message: RunManifest, nowMs: number): Promise<EarlierSend | undefined> {
  // Another broadcast holds the runs' lock: the send will be refused as running (BROADCAST_RUNNING), say that instead.
  if (await isLockHeld(runsDir(folder.dir))) return undefined
  for (const id of (await listRunIds(folder.dir)).reverse()) {
    let manifest: RunManifest
    try {
      manifest = await readManifest(folder.dir, id)
    } catch (error) {
      if (error instanceof CervenoError) continue
      throw error
    }

    if (nowMs - Date.parse(manifest.createdAt) > RESEND_WINDOW_MS) continue
    if (manifest.dryRun || manifest.test || !sameMessage(manifest, message)) continue
    const {ledger, phones} = await loadLedger(folder, id)
    // Still being sent by another process: that run's lock gives the right answer (BROADCAST_RUNNING).
    if (runStatus(ledger.invocations, false, isAlive) === 'running') continue
    // Nothing reached anyone (stopped before the first answer): sending again cannot double anything.
    const totals = ledger.totals()
    if (totals.sent + totals.uncertain === 0) continue
    return {
      id, recipients: phones.length, sent: totals.sent, startedAt: ledger.invocations[0]?.start.at ?? manifest.createdAt,
    }
  }

  return undefined
}
