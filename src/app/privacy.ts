/**
 * GDPR use cases (DESIGN §7): access (art. 15), erasure (art. 17) and the retention policy. Erasure
 * reaches every file of the data folder — registry, requests, audit log, backups, broadcast runs,
 * exports — under the broadcast lock and the data-folder lock, as one transaction (all files or none), and is
 * recorded in the audit log with a random id, the date and the operator: never the number or the name.
 */
import {randomBytes} from 'node:crypto'
import {mkdir} from 'node:fs/promises'

import {type AuditEntry} from '../core/audit.js'
import {CervenoError, isCervenoError} from '../core/errors.js'
import {type ErasureTarget, Matcher} from '../core/privacy/match.js'
import {
  mergeTargets, personRecords, type PersonRecords, personTarget, planPurge, type PurgePlan, requestsTarget, retentionCutoff,
} from '../core/privacy/target.js'
import {type HashedNames} from '../core/privacy/tombstones.js'
import {type Subscriber} from '../core/registry/types.js'
import {type RequestRecord} from '../core/requests/types.js'
import {toRomeIso} from '../core/time.js'
import {diskFull} from '../io/commit.js'
import {writeTable} from '../io/csv-table.js'
import {
  type DataFolder, FILES, type MutationContext, type Transaction,
} from '../io/data-folder.js'
import {runsDir} from '../io/journal.js'
import {withLock} from '../io/lock.js'
import {REQUESTS, SUBSCRIBERS} from '../io/tables.js'
import {
  cleanDataFile, type FileChange, listDataFiles, residues,
} from './privacy-files.js'
import {cleanRun} from './privacy-runs.js'

/** What goes from the registry tables, and what identifies it everywhere else. */
export interface Selection {
  /** Registry rows (and requests) of these numbers go. */
  phones: Set<string>
  /** Request rows that go. */
  requestIds: Set<string>
  target: ErasureTarget
}

export interface ErasurePlan {
  /** Recipients across broadcast runs who were the people erased. */
  broadcastRecipients: number
  changes: FileChange[]
  records: number
  requests: number
  subscribers: number
  /** Files that mention them but cannot be rewritten (binary, config.json, a notice quoting them). */
  uncleanable: string[]
}

interface Tables {
  requests: RequestRecord[]
  subscribers: Subscriber[]
}

async function readTables(folder: DataFolder): Promise<Tables> {
  return {requests: await folder.readRequests(), subscribers: await folder.readSubscribers()}
}

/** Computes every change, writing nothing. */
async function planErasure(folder: DataFolder, tables: Tables, select: (s: Subscriber[], r: RequestRecord[]) => Selection, nowIso: string): Promise<PlanWithTables> {
  const selection = select(tables.subscribers, tables.requests)
  const m = new Matcher(selection.target)
  const plan: PlanWithTables = {
    broadcastRecipients: 0, changes: [], records: 0, requests: 0, selection, subscribers: 0, uncleanable: [],
  }
  if (m.empty) return plan

  const keptSubscribers = tables.subscribers.filter(s => !selection.phones.has(s.phone))
  plan.subscribers = tables.subscribers.length - keptSubscribers.length
  const keptRequests = tables.requests.filter(r =>
    !selection.requestIds.has(r.id)
      && !(r.phone !== null && selection.phones.has(r.phone))
      // A request typed without a number but with their full name: theirs (see Matcher.isAbout).
      && !(r.phone === null && m.isAbout([r.name ?? '', r.author ?? '', r.rawText, r.userId ?? ''].join('\t'))))
  plan.requests = tables.requests.length - keptRequests.length
  if (plan.subscribers > 0) {
    plan.keptSubscribers = keptSubscribers
    plan.changes.push({content: Buffer.from(writeTable(SUBSCRIBERS, keptSubscribers), 'utf8'), file: FILES.subscribers, removed: plan.subscribers})
  }

  if (plan.requests > 0) {
    plan.keptRequests = keptRequests
    plan.changes.push({content: Buffer.from(writeTable(REQUESTS, keptRequests), 'utf8'), file: FILES.requests, removed: plan.requests})
  }

  const runs = new Set<string>()
  for (const file of await listDataFiles(folder.dir)) {
    if (file === FILES.subscribers || file === FILES.requests) continue
    const parts = file.split('/')
    if (parts[0] === FILES.broadcasts && parts.length === 3) {
      runs.add(parts[1])
      continue
    }

    const c = await cleanDataFile(folder.dir, file, m)
    if (c === 'uncleanable') plan.uncleanable.push(file)
    else if (c) plan.changes.push(c)
  }

  for (const name of [...runs].sort()) {
    const r = await cleanRun(folder.dir, name, m, nowIso)
    plan.changes.push(...r.changes)
    plan.uncleanable.push(...r.uncleanable)
    plan.broadcastRecipients += r.recipients
  }

  plan.records = plan.changes.reduce((n, c) => n + c.removed, 0)
  return plan
}

/** The tables after the erasure, when it changes them. */
interface PlanWithTables extends ErasurePlan {
  keptRequests?: RequestRecord[]
  keptSubscribers?: Subscriber[]
  selection: Selection
}

/**
 * The plan as one change of the data folder, committed like any other (all or nothing, recovered after a crash).
 * No backup is kept: a copy of the old file would keep what is being erased. Through the transaction, the
 * tables get the same hash bookkeeping as every other write, so a hand edit made before is recorded as usual.
 */
function applyPlan(tx: Transaction, plan: PlanWithTables, audit: Omit<AuditEntry, 'operator' | 'ts'>): void {
  tx.withoutBackups()
  if (plan.keptSubscribers) tx.setSubscribers(plan.keptSubscribers)
  if (plan.keptRequests) tx.setRequests(plan.keptRequests)
  for (const c of plan.changes) {
    if (c.file === FILES.subscribers || c.file === FILES.requests) continue
    if (c.content !== null) tx.writeFile(c.file, c.content)
    // The audit log stays, if empty: the erasure's own line goes in it.
    else if (c.file === FILES.audit) tx.writeFile(c.file, '')
    else tx.removeFile(c.file)
  }

  tx.audit(audit)
}

/** Runs fn holding the broadcast lock (a running broadcast appends to its journal) and the data-folder lock. */
async function withErasureLocks<T>(folder: DataFolder, fn: () => Promise<T>): Promise<T> {
  const runs = runsDir(folder.dir)
  try {
    await mkdir(runs, {mode: 0o700, recursive: true})
    return await withLock(runs, fn, 0)
  } catch (error) {
    if (isCervenoError(error) && error.code === 'LOCK_HELD' && error.params.dir === runs) {
      throw new CervenoError('BROADCAST_RUNNING', {pid: error.params.pid})
    }

    // Disk full taking the broadcast lock: before any change (the change itself says what it completed).
    throw diskFull(error, folder.dir, 'none')
  }
}

export interface ErasureResult {
  broadcastRecipients: number
  /** Null when there was nothing to erase (nothing recorded). */
  erasureId: null | string
  files: {deleted: boolean; file: string; removed: number}[]
  records: number
  requests: number
  /** Files where the number (or, for namesakes, the name) is still written after the erasure. */
  residues: {file: string; name: boolean; phone: boolean}[]
  subscribers: number
  uncleanable: string[]
}

function toResult(plan: ErasurePlan, erasureId: null | string, left: ErasureResult['residues']): ErasureResult {
  return {
    broadcastRecipients: plan.broadcastRecipients,
    erasureId,
    files: plan.changes.map(c => ({deleted: c.content === null, file: c.file, removed: c.removed})),
    records: plan.records,
    requests: plan.requests,
    residues: left,
    subscribers: plan.subscribers,
    uncleanable: plan.uncleanable,
  }
}

/**
 * Plans (apply = false) or performs an erasure. Performing it re-reads everything under the locks, so
 * what is erased is what is there at that moment. An erasure that finds nothing records nothing.
 */
async function erasure(
  folder: DataFolder,
  ctx: MutationContext,
  select: (s: Subscriber[], r: RequestRecord[]) => Selection,
  record: (plan: ErasurePlan, erasureId: string) => Omit<AuditEntry, 'operator' | 'ts'>,
  {apply, within}: {apply: boolean; within?: ErasureHook},
): Promise<ErasureResult & {selection: Selection}> {
  await folder.config()
  const nowIso = toRomeIso(ctx.now)
  if (!apply) {
    const plan = await planErasure(folder, await readTables(folder), select, nowIso)
    return {...toResult(plan, null, []), selection: plan.selection}
  }

  // Planned under the locks, after any interrupted change was completed: a second run finds what a first left.
  return withErasureLocks(folder, async () => {
    const {erasureId, plan} = await folder.mutate(ctx, async tx => {
      const found = await planErasure(folder, {requests: await tx.requests(), subscribers: await tx.subscribers()}, select, nowIso)
      if (found.changes.length === 0 && found.uncleanable.length === 0) return {erasureId: null, plan: found}
      const id = randomBytes(8).toString('hex')
      // The hook's own audit lines first: the erasure's line stays the change's last.
      await within?.(tx, found.selection)
      applyPlan(tx, found, record(found, id))
      return {erasureId: id, plan: found}
    })
    if (erasureId === null) return {...toResult(plan, null, []), selection: plan.selection}
    const t = plan.selection.target
    const left = await residues(folder.dir, {names: t.names, namesHashed: t.namesHashed, phones: t.phones})
    return {...toResult(plan, erasureId, left), selection: plan.selection}
  })
}

function counts(plan: ErasurePlan, erasureId: string): Record<string, number | string> {
  return {
    broadcastRecipients: plan.broadcastRecipients, erasureId, files: plan.changes.length, records: plan.records, requests: plan.requests, subscribers: plan.subscribers,
  }
}

export interface PersonErasure extends ErasureResult {
  name: null | string
  phone: string
}

/** More to write in the erasure's own transaction (the tombstones), so a crash leaves all of it or none. */
export type ErasureHook = (tx: Transaction, selection: Selection) => Promise<void>

/**
 * Art. 17: everything about one number, everywhere. `namesHashed`: the names an earlier erasure of the number
 * kept as hashes (its tombstone), so that a copy holding only the name is found once the tables no longer say it.
 */
export async function erasePerson(
  folder: DataFolder,
  ctx: MutationContext,
  phone: string,
  apply: boolean,
  {namesHashed, within}: {namesHashed?: HashedNames; within?: ErasureHook} = {},
): Promise<PersonErasure> {
  let person: PersonRecords | undefined
  const result = await erasure(
    folder,
    ctx,
    (s, r) => {
      person = personRecords(phone, s, r)
      return {phones: new Set([phone]), requestIds: new Set(person.requests.map(x => x.id)), target: {...personTarget(person), namesHashed}}
    },
    (plan, erasureId) => ({action: 'privacy.erase', after: counts(plan, erasureId), subject: erasureId}),
    {apply, within},
  )
  const {selection: _s, ...rest} = result
  return {...rest, name: person?.subscriber?.name ?? person?.requests.find(x => x.name)?.name ?? null, phone}
}

export interface PurgeResult extends ErasureResult {
  citizens: {ceasedAt: string; name: string; phone: string}[]
  cutoff: string
  dryRun: boolean
  numbers: string[]
  requestsGone: {decidedAt: null | string; id: string; name: null | string; phone: null | string; receivedAt: string; status: string}[]
  retentionMonths: number
}

/** The retention policy of config.json: what has expired goes, by the same erasure. */
export async function purge(folder: DataFolder, ctx: MutationContext, apply: boolean, within?: ErasureHook): Promise<PurgeResult> {
  const {config} = await folder.config()
  const cutoff = retentionCutoff(ctx.now, config.retentionMonths)
  let plan: PurgePlan | undefined
  const result = await erasure(
    folder,
    ctx,
    (s, r) => {
      plan = planPurge(s, r, cutoff)
      const people = [...plan.citizens.map(c => c.phone), ...plan.numbers].map(phone => personTarget(personRecords(phone, s, r)))
      return {
        phones: new Set([...plan.citizens.map(c => c.phone), ...plan.numbers]),
        requestIds: new Set(plan.requests.map(x => x.id)),
        target: mergeTargets([...people, requestsTarget(plan.singleRequests)]),
      }
    },
    (p, erasureId) => ({
      action: 'privacy.purge',
      after: {
        ...counts(p, erasureId), citizens: plan!.citizens.length + plan!.numbers.length, cutoff: toRomeIso(cutoff), retentionMonths: config.retentionMonths,
      },
      subject: erasureId,
    }),
    {apply, within},
  )
  const {selection: _s, ...rest} = result
  return {
    ...rest,
    citizens: (plan?.citizens ?? []).map(c => ({ceasedAt: c.ceasedAt!, name: c.name, phone: c.phone})),
    cutoff: toRomeIso(cutoff),
    dryRun: !apply,
    numbers: plan?.numbers ?? [],
    requestsGone: (plan?.requests ?? []).map(r => ({
      decidedAt: r.decidedAt ?? null, id: r.id, name: r.name, phone: r.phone, receivedAt: r.receivedAt, status: r.status,
    })),
    retentionMonths: config.retentionMonths,
  }
}
