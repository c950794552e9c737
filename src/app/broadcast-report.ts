/** Reports of past runs: `broadcast list`, `broadcast show`, the 24-hour budget (DESIGN §6). */
import {hostname} from 'node:os'

import {cost, type CostFigure} from '../core/broadcast/cost.js'
import {type RunHeader} from '../core/broadcast/header.js'
import {type NoticeMode} from '../core/broadcast/payload.js'
import {
  RunLedger, runStatus, type RunStatus, type StartRecord,
} from '../core/broadcast/run-state.js'
import {isCervenoError} from '../core/errors.js'
import {type DataFolder} from '../io/data-folder.js'
import {
  journalModifiedMs, journalRecords, listRunIds, type RunManifest,
} from '../io/journal.js'
import {loadLedger} from './broadcast-plan.js'

/** One row of `broadcast list --json` (DESIGN §2). */
export interface BroadcastListItem {
  dryRun: boolean
  failed: number
  finishedAt: null | string
  id: string
  recipients: number
  sent: number
  startedAt: string
  status: RunStatus
  /** The notice's first words (its title, when it has one), to tell runs apart in `broadcast list`. */
  subject: string
  test: boolean
  uncertain: number
}

export interface RecipientReport {
  delivery: null | string
  errorCode: null | number
  /** How a failure without a Graph code came about (a classify.ts rule: transport, retries…); null otherwise. */
  errorRule: null | string
  outcome: 'failed' | 'pending' | 'sent' | 'uncertain'
  phone: string
  wamid: null | string
}

/** `broadcast show <id> --json` (DESIGN §2). */
export interface BroadcastReport extends Omit<BroadcastListItem, 'failed' | 'recipients' | 'sent' | 'uncertain'> {
  /**
   * With a price (the run's, else config.json pricePerMessage): the estimate for every recipient, and the
   * figure for the messages delivered (null until a status webhook of the run is imported).
   */
  cost?: {actual: CostFigure | null; estimated: CostFigure}
  /** The template's header: the title, or the attachment (with the media id of its last upload). */
  header?: RunHeader & {mediaId?: string}
  mode: NoticeMode
  noticeFile: null | string
  recipients: RecipientReport[]
  template: null | {language: string; name: string}
  /** What each citizen receives. */
  text: string
  totals: {delivered: number; failed: number; pending: number; read: number; sent: number; uncertain: number}
}

export function isAlive(start: StartRecord): boolean {
  if (start.host !== hostname() || start.pid === process.pid) return false
  try {
    process.kill(start.pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

const SUBJECT_CHARS = 40

function subjectOf(manifest: RunManifest): string {
  const title = manifest.header?.kind === 'text' ? manifest.header.text : undefined
  const words = (title ?? manifest.sentText).replaceAll(/\s+/g, ' ').trim()
  const chars = [...words]
  return chars.length > SUBJECT_CHARS ? chars.slice(0, SUBJECT_CHARS - 1).join('').trimEnd() + '…' : words
}

function summary(manifest: RunManifest, ledger: RunLedger): BroadcastListItem & {totals: ReturnType<RunLedger['totals']>} {
  const totals = ledger.totals()
  const last = ledger.invocations.at(-1)
  const status = runStatus(ledger.invocations, manifest.dryRun, isAlive)
  return {
    dryRun: manifest.dryRun,
    failed: totals.failed,
    finishedAt: status === 'dry-run' ? manifest.createdAt : (last?.end?.at ?? null),
    id: manifest.id,
    recipients: manifest.dryRun ? manifest.recipients : ledger.size,
    sent: totals.sent,
    startedAt: ledger.invocations[0]?.start.at ?? manifest.createdAt,
    status,
    subject: subjectOf(manifest),
    test: manifest.test,
    totals,
    uncertain: totals.uncertain,
  }
}

export async function listBroadcasts(folder: DataFolder): Promise<BroadcastListItem[]> {
  await folder.assertInitialized()
  const out: BroadcastListItem[] = []
  for (const id of await listRunIds(folder.dir)) {
    try {
      const {ledger, manifest} = await loadLedger(folder, id)
      const {totals: _totals, ...item} = summary(manifest, ledger)
      out.push(item)
    } catch (error) {
      if (!isCervenoError(error)) throw error
    }
  }

  return out
}

export async function showBroadcast(folder: DataFolder, id: string): Promise<BroadcastReport> {
  await folder.assertInitialized()
  const {ledger, manifest, phones} = await loadLedger(folder, id)
  const {failed: _f, recipients: _r, sent: _s, totals, uncertain: _u, ...item} = summary(manifest, ledger)
  const recipients: RecipientReport[] = phones.map((phone, i) => ({
    delivery: ledger.deliveryOf(i),
    errorCode: ledger.errorCodeOf(i),
    errorRule: ledger.failures.get(i)?.rule ?? null,
    outcome: ledger.outcome(i),
    phone,
    wamid: ledger.wamids[i] ?? null,
  }))
  const price = manifest.pricePerMessage ?? (await folder.config()).config.pricePerMessage
  const size = manifest.dryRun ? manifest.recipients : phones.length
  return {
    ...item,
    ...(price === undefined ? {} : {cost: {actual: ledger.delivery.size === 0 ? null : cost(totals.delivered, price), estimated: cost(size, price)}}),
    ...(manifest.header === undefined ? {} : {header: ledger.media ? {...manifest.header, mediaId: ledger.media.id} : manifest.header}),
    mode: manifest.mode,
    noticeFile: manifest.notice.file,
    recipients,
    template: manifest.template,
    text: manifest.sentText,
    totals,
  }
}

/** Distinct numbers this tool got a message accepted for in the last 24 hours (the messaging-limit budget). */
export async function usedLast24h(folder: DataFolder, nowMs: number): Promise<number> {
  const since = nowMs - 24 * 3_600_000
  const phones = new Set<string>()
  for (const id of await listRunIds(folder.dir)) {
    const modified = await journalModifiedMs(folder.dir, id)
    if (modified === undefined || modified < since) continue
    for await (const r of journalRecords(folder.dir, id)) {
      if (r.type === 'outcome' && r.result === 'sent' && Date.parse(r.at) >= since) phones.add(r.phone)
    }
  }

  return phones.size
}

