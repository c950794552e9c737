/**
 * Erasure inside broadcast runs (`invii/<id>/`). A run addresses its recipients by position in the
 * snapshot, and its journal is what keeps a resume from messaging anyone twice, so nothing is
 * deleted from either: the person's snapshot line and journal lines keep their place and outcome
 * but lose the number (ERASED_PHONE) and the wamid; their delivery statuses go. A recipient left
 * without a final outcome gets one (`failed`, rule `erased`), so no resume or retry ever sends to them.
 */
import {readdir, readFile} from 'node:fs/promises'
import path from 'node:path'

import {
  attemptId, type OutcomeRecord, parseAttemptId, R, RunLedger,
} from '../core/broadcast/run-state.js'
import {type Matcher} from '../core/privacy/match.js'
import {FILES} from '../io/data-folder.js'
import {RUN_FILES, runsDir} from '../io/journal.js'
import {cleanDataFile, type FileChange} from './privacy-files.js'

/** What an erased recipient's number becomes in a run's files. */
export const ERASED_PHONE = 'cancellato'

/** Journal fields that say what happened, not to whom: kept when a line is scrubbed. */
const JOURNAL_FIELDS = new Set(['at', 'attempt', 'attempts', 'code', 'httpStatus', 'i', 'kind', 'messageStatus', 'result', 'rule', 'temporary', 'transportCode', 'type'])

function lines(text: string): string[] {
  return text.match(/[^\n]*\n|[^\n]+$/g) ?? []
}

async function readText(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw error
  }
}

type Json = Record<string, unknown>

function parseLine(line: string): Json | undefined {
  try {
    const v = JSON.parse(line) as unknown
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : undefined
  } catch {
    return undefined
  }
}

function scrub(record: Json): Json {
  const out: Json = {}
  for (const [k, v] of Object.entries(record)) if (JOURNAL_FIELDS.has(k)) out[k] = v
  if ('phone' in record) out.phone = ERASED_PHONE
  return out
}

export interface RunCleaning {
  changes: FileChange[]
  /** Recipients of this run who were the person. */
  recipients: number
  uncleanable: string[]
}

const eol = (line: string) => (line.endsWith('\n') ? '\n' : '')

/** Which snapshot positions are the person: their snapshot lines, and journal lines with their number. */
function erasedPositions(snapshot: string[], journal: string[], m: Matcher): {erased: Set<number>; size: number} {
  const erased = new Set<number>()
  let size = 0
  for (const line of snapshot) {
    if (line.trim() === '') continue
    if (m.isAbout(line)) erased.add(size)
    size++
  }

  for (const line of journal) {
    const r = m.hasId(line) ? parseLine(line) : undefined
    if (typeof r?.i === 'number') erased.add(r.i)
  }

  return {erased, size}
}

/** The snapshot with each erased position kept (positions are what the journal refers to) but emptied. */
function tombstones(snapshot: string[], erased: Set<number>): {removed: number; text: string} {
  let index = 0
  let removed = 0
  const text = snapshot
  .map(line => {
    if (line.trim() === '') return line
    if (!erased.has(index++)) return line
    removed++
    return JSON.stringify({erased: true, phone: ERASED_PHONE}) + eol(line)
  })
  .join('')
  return {removed, text}
}

interface Scrubbed {
  kept: string[]
  records: Json[]
  removed: number
  wamids: Set<string>
}

/** Journal lines of erased positions keep what happened, not to whom; other lines about them go. */
function scrubJournal(journal: string[], erased: Set<number>, m: Matcher): Scrubbed {
  const out: Scrubbed = {
    kept: [], records: [], removed: 0, wamids: new Set(),
  }
  for (const line of journal) {
    const r = parseLine(line)
    const mine = typeof r?.i === 'number' && erased.has(r.i)
    if (!mine && !m.hasId(line)) {
      out.kept.push(line)
      if (r) out.records.push(r)
      continue
    }

    out.removed++
    if (!r || typeof r.i !== 'number') continue
    if (typeof r.wamid === 'string') out.wamids.add(r.wamid)
    const s = scrub(r)
    out.records.push(s)
    out.kept.push(JSON.stringify(s) + eol(line))
  }

  return out
}

/** Delivery statuses of their messages go: by number, by wamid, or by the echoed attempt id. */
function filterStatuses(statuses: string[], run: string, erased: Set<number>, wamids: Set<string>, m: Matcher): {kept: string[]; records: Json[]; removed: number} {
  const out = {kept: [] as string[], records: [] as Json[], removed: 0}
  for (const line of statuses) {
    const s = parseLine(line)
    const attempt = typeof s?.bizOpaque === 'string' ? parseAttemptId(s.bizOpaque) : undefined
    const byAttempt = attempt !== undefined && attempt.runId === run && erased.has(attempt.index)
    if (m.hasId(line) || (typeof s?.wamid === 'string' && wamids.has(s.wamid)) || byAttempt) {
      out.removed++
      continue
    }

    out.kept.push(line)
    if (s) out.records.push(s)
  }

  return out
}

/** Nobody erased may be sent to again: a final outcome for each erased position the journal leaves open. */
function closingOutcomes(run: {erased: Set<number>; name: string; size: number}, journal: Json[], statuses: Json[], nowIso: string): OutcomeRecord[] {
  const {erased, name, size} = run
  const ledger = new RunLedger(name, size)
  for (const r of journal) ledger.apply(r)
  ledger.applyStatuses(statuses as never)
  const out: OutcomeRecord[] = []
  for (const i of [...erased].sort((a, b) => a - b)) {
    if (i >= size || ledger.state[i] === R.sent || ledger.state[i] === R.failed) continue
    out.push({
      at: nowIso,
      attempt: attemptId(name, i, Math.max(1, ledger.attempts[i])),
      attempts: ledger.attempts[i],
      i,
      phone: ERASED_PHONE,
      result: 'failed',
      rule: 'erased',
      type: 'outcome',
    })
  }

  return out
}

/** The changes erasure makes to one run folder (nothing is written here). */
export async function cleanRun(dataDir: string, name: string, m: Matcher, nowIso: string): Promise<RunCleaning> {
  const dir = path.join(runsDir(dataDir), name)
  const rel = (f: string) => `${FILES.broadcasts}/${name}/${f}`
  const snapshot = lines((await readText(path.join(dir, RUN_FILES.recipients))) ?? '')
  const journal = lines((await readText(path.join(dir, RUN_FILES.journal))) ?? '')
  const statuses = lines((await readText(path.join(dir, RUN_FILES.statuses))) ?? '')
  const {erased, size} = erasedPositions(snapshot, journal, m)
  const changes: FileChange[] = []
  if (erased.size > 0 || journal.some(l => m.hasId(l)) || statuses.some(l => m.hasId(l))) {
    const snap = tombstones(snapshot, erased)
    if (snap.removed > 0) changes.push({content: Buffer.from(snap.text, 'utf8'), file: rel(RUN_FILES.recipients), removed: snap.removed})
    const j = scrubJournal(journal, erased, m)
    const st = filterStatuses(statuses, name, erased, j.wamids, m)
    const closing = closingOutcomes({erased, name, size}, j.records, st.records, nowIso)
    if (closing.length > 0 && j.kept.length > 0 && !j.kept.at(-1)!.endsWith('\n')) j.kept[j.kept.length - 1] += '\n'
    const journalText = j.kept.join('') + closing.map(c => JSON.stringify(c) + '\n').join('')
    if (j.removed + closing.length > 0) changes.push({content: Buffer.from(journalText, 'utf8'), file: rel(RUN_FILES.journal), removed: j.removed + closing.length})
    if (st.removed > 0) changes.push({content: Buffer.from(st.kept.join(''), 'utf8'), file: rel(RUN_FILES.statuses), removed: st.removed})
  }

  const others = await otherFiles(dataDir, dir, rel, m, new Set([RUN_FILES.journal, RUN_FILES.recipients, RUN_FILES.statuses]))
  return {changes: [...changes, ...others.changes], recipients: erased.size, uncleanable: others.uncleanable}
}

/**
 * The run's other files, generically; the manifest is never rewritten (a resume sends its text):
 * if the notice itself quotes the person, the clerk must decide.
 */
async function otherFiles(
  dataDir: string,
  dir: string,
  rel: (f: string) => string,
  m: Matcher,
  skip: Set<string>,
): Promise<{changes: FileChange[]; uncleanable: string[]}> {
  const changes: FileChange[] = []
  const uncleanable: string[] = []
  let names: string[]
  try {
    names = (await readdir(dir, {withFileTypes: true})).filter(e => e.isFile()).map(e => e.name)
  } catch {
    return {changes, uncleanable}
  }

  for (const f of names.sort()) {
    if (skip.has(f)) continue
    if (f === RUN_FILES.manifest) {
      const text = await readText(path.join(dir, f))
      if (text !== undefined && m.hasId(text)) uncleanable.push(rel(f))
      continue
    }

    const c = await cleanDataFile(dataDir, rel(f), m)
    if (c === 'uncleanable') uncleanable.push(rel(f))
    else if (c) changes.push(c)
  }

  return {changes, uncleanable}
}
