/**
 * The files of one broadcast run, `invii/<id>/` (DESIGN §3): what was sent (invio.json), the recipient
 * snapshot (destinatari.jsonl), the append-only per-recipient journal (giornale.jsonl) and the delivery
 * statuses imported from webhooks (stati.jsonl). Folder 0700, files 0600. Large runs are streamed.
 */
import {createReadStream} from 'node:fs'
import {
  chmod, type FileHandle, mkdir, open, readdir, readFile, stat,
} from 'node:fs/promises'
import path from 'node:path'
import {createInterface} from 'node:readline'

import {type RunHeader} from '../core/broadcast/header.js'
import {RUN_ID} from '../core/broadcast/plan.js'
import {type JournalRecord, type RunLedger, type StoredStatus} from '../core/broadcast/run-state.js'
import {type RequestComponent} from '../core/broadcast/template.js'
import {CervenoError} from '../core/errors.js'
import {
  appendLines, FILES, repairJsonLines, type Transaction,
} from './data-folder.js'

export const RUN_FILES = {
  journal: 'giornale.jsonl',
  manifest: 'invio.json',
  recipients: 'destinatari.jsonl',
  statuses: 'stati.jsonl',
} as const

const POSIX = process.platform !== 'win32'
const DIR_MODE = 0o700
const FILE_MODE = 0o600
export const MANIFEST_VERSION = 1

/** invio.json: everything needed to send the same notice again on --resume. */
export interface RunManifest {
  /** The messages endpoint (no credentials); null for a dry run without API settings. */
  apiUrl: null | string
  createdAt: string
  dryRun: boolean
  /** What fills the template's header (a title, or the attached file); absent: the template has none to fill. */
  header?: RunHeader
  id: string
  mode: 'template' | 'text'
  notice: {
    /** The notice file as given on the command line; null for a notice given otherwise. */
    file: null | string
    sha256: string
    /** The file's text as read. */
    text: string
  }
  operator: string
  /** Euro per delivered message when the run began (config.json pricePerMessage); absent when not set. */
  pricePerMessage?: number
  recipients: number
  schemaVersion: number
  /** What each citizen receives: the template's body parameter (flattened) or the free text. */
  sentText: string
  /** `components`: exactly what the template needs, as sent to every recipient (absent in older runs). */
  template: null | {components?: RequestComponent[]; language: string; name: string}
  test: boolean
}

export function runsDir(dataDir: string): string {
  return path.join(dataDir, FILES.broadcasts)
}

export function runDir(dataDir: string, id: string): string {
  return path.join(runsDir(dataDir), id)
}

async function privateDir(dir: string, recursive: boolean): Promise<void> {
  await mkdir(dir, {mode: DIR_MODE, recursive})
  if (POSIX) await chmod(dir, DIR_MODE)
}

/**
 * Creates the run folder (EEXIST when the id is taken) and puts the snapshot and the manifest in the change `tx`:
 * both are written by its commit or neither (a folder without invio.json is a run that never started and is
 * ignored).
 */
export async function createRun(tx: Transaction, manifest: RunManifest, recipients: null | readonly string[]): Promise<string> {
  const dataDir = tx.folder.dir
  await privateDir(runsDir(dataDir), true)
  const dir = runDir(dataDir, manifest.id)
  await privateDir(dir, false)
  const relative = `${FILES.broadcasts}/${manifest.id}`
  if (recipients !== null) {
    tx.writeFile(`${relative}/${RUN_FILES.recipients}`, recipients.map(phone => JSON.stringify({phone}) + '\n').join(''))
  }

  tx.writeFile(`${relative}/${RUN_FILES.manifest}`, JSON.stringify(manifest, null, 2) + '\n')
  return dir
}

/** The run ids that have a manifest, oldest first (ids sort by time). */
export async function listRunIds(dataDir: string): Promise<string[]> {
  let names: string[]
  try {
    names = await readdir(runsDir(dataDir))
  } catch {
    return []
  }

  const ids: string[] = []
  for (const name of names.filter(n => RUN_ID.test(n)).sort()) {
    try {
      await stat(path.join(runDir(dataDir, name), RUN_FILES.manifest))
      ids.push(name)
    } catch {}
  }

  return ids
}

/** Throws BROADCAST_UNKNOWN for an id without a readable manifest. */
export async function readManifest(dataDir: string, id: string): Promise<RunManifest> {
  if (!RUN_ID.test(id)) throw new CervenoError('BROADCAST_UNKNOWN', {id})
  let raw: unknown
  try {
    raw = JSON.parse(await readFile(path.join(runDir(dataDir, id), RUN_FILES.manifest), 'utf8'))
  } catch {
    throw new CervenoError('BROADCAST_UNKNOWN', {id})
  }

  const m = raw as Partial<RunManifest>
  if (typeof m !== 'object' || m === null || m.id !== id || typeof m.sentText !== 'string' || (m.mode !== 'template' && m.mode !== 'text')) {
    throw new CervenoError('BROADCAST_UNKNOWN', {id})
  }

  return m as RunManifest
}

async function * lines(file: string): AsyncGenerator<string> {
  let stream
  try {
    stream = createReadStream(file, {encoding: 'utf8'})
    await new Promise<void>((resolve, reject) => {
      stream!.once('open', () => resolve())
      stream!.once('error', reject)
    })
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return
    throw error
  }

  for await (const line of createInterface({crlfDelay: Number.POSITIVE_INFINITY, input: stream})) {
    if (line !== '') yield line
  }
}

/** The recipient snapshot, by index. */
export async function readRecipients(dataDir: string, id: string): Promise<string[]> {
  const out: string[] = []
  for await (const line of lines(path.join(runDir(dataDir, id), RUN_FILES.recipients))) {
    const {phone} = (JSON.parse(line) as {phone?: unknown})
    if (typeof phone !== 'string') throw new CervenoError('BROADCAST_UNKNOWN', {id})
    out.push(phone)
  }

  return out
}

/** Streams the journal into the ledger; unparsable lines (a torn last line) are counted, not fatal. */
export async function foldJournal(dataDir: string, id: string, ledger: RunLedger): Promise<void> {
  for await (const line of lines(path.join(runDir(dataDir, id), RUN_FILES.journal))) {
    let record: unknown
    try {
      record = JSON.parse(line)
    } catch {
      ledger.badLines++
      continue
    }

    ledger.apply(record)
  }
}

/**
 * Every journal record, streamed (for scans across runs).
 * @yields each parsed line; unparsable lines are skipped.
 */
export async function * journalRecords(dataDir: string, id: string): AsyncGenerator<JournalRecord> {
  for await (const line of lines(path.join(runDir(dataDir, id), RUN_FILES.journal))) {
    try {
      yield JSON.parse(line) as JournalRecord
    } catch {}
  }
}

export async function readStatuses(dataDir: string, id: string): Promise<StoredStatus[]> {
  const out: StoredStatus[] = []
  for await (const line of lines(path.join(runDir(dataDir, id), RUN_FILES.statuses))) {
    try {
      out.push(JSON.parse(line) as StoredStatus)
    } catch {}
  }

  return out
}

/** Appends status events to a run (call under the data-folder lock); a torn last line is cut first. */
export async function appendStatuses(dataDir: string, id: string, events: readonly StoredStatus[]): Promise<void> {
  const file = path.join(runDir(dataDir, id), RUN_FILES.statuses)
  await repairJsonLines(file)
  await appendLines(
    file,
    events.map(e => JSON.stringify(e)),
  )
}

/** Cuts a torn last journal line (a process killed while appending). Call while holding the run lock. */
export async function repairJournal(dataDir: string, id: string): Promise<boolean> {
  return repairJsonLines(path.join(runDir(dataDir, id), RUN_FILES.journal))
}

export async function journalModifiedMs(dataDir: string, id: string): Promise<number | undefined> {
  try {
    return (await stat(path.join(runDir(dataDir, id), RUN_FILES.journal))).mtimeMs
  } catch {
    return undefined
  }
}

/**
 * The journal writer of a running broadcast. `write()` only queues whole lines; one background task appends
 * them in order and fdatasyncs when asked, so the event loop never waits for the disk (a synchronous write
 * can stall for tens of milliseconds while the page is being flushed, and that would hold back requests
 * already paced). `durable()` resolves once everything queued before the call is on disk: the engine sends a
 * request only after its intent is durable. Lines still queued when the process is killed are lost; for an
 * outcome that only makes its recipient uncertain, never resent blindly.
 */
export class JournalWriter {
  private busy = false
  private error: Error | undefined
  private queued: string[] = []
  private queuedSeq = 0
  private syncedSeq = 0
  private readonly waiters: Array<{reject(error: Error): void; resolve(): void; seq: number}> = []
  private writtenSeq = 0

  private constructor(private handle: FileHandle | undefined) {}

  static async open(dataDir: string, id: string): Promise<JournalWriter> {
    return new JournalWriter(await open(path.join(runDir(dataDir, id), RUN_FILES.journal), 'a', FILE_MODE))
  }

  /** Writes and syncs what is queued, then closes. */
  async close(): Promise<void> {
    if (this.handle === undefined) return
    try {
      await this.durable()
    } finally {
      const {handle} = this
      this.handle = undefined
      await handle?.close()
    }
  }

  /** Resolves when every line queued before the call is on disk. */
  durable(): Promise<void> {
    if (this.error) return Promise.reject(this.error)
    const seq = this.queuedSeq
    if (this.syncedSeq >= seq) return Promise.resolve()
    return new Promise((resolve, reject) => {
      this.waiters.push({reject, resolve, seq})
      this.kick()
    })
  }

  /** Queues records as whole lines. */
  write(records: readonly JournalRecord[]): void {
    if (this.handle === undefined) throw new Error('journal closed')
    if (records.length === 0) return
    let text = ''
    for (const r of records) text += JSON.stringify(r) + '\n'
    this.queued.push(text)
    this.queuedSeq++
    this.kick()
  }

  private kick(): void {
    if (this.busy || this.handle === undefined || this.error) return
    this.busy = true
    this.work(this.handle).finally(() => {
      this.busy = false
      if (this.queued.length > 0 || this.waiters.length > 0) this.kick()
    })
  }

  private settle(target: number): void {
    const waiting = this.waiters.splice(0)
    for (const w of waiting) {
      if (w.seq <= target) w.resolve()
      else this.waiters.push(w)
    }
  }

  /** Appends everything queued, then syncs if someone waits for it; until there is nothing left to do. */
  private async work(handle: FileHandle): Promise<void> {
    try {
      for (;;) {
        if (this.queued.length > 0) {
          const seq = this.queuedSeq
          const bytes = Buffer.from(this.queued.join(''), 'utf8')
          this.queued = []
          let offset = 0
          while (offset < bytes.length) offset += (await handle.write(bytes, offset)).bytesWritten
          this.writtenSeq = seq
        } else if (this.waiters.length > 0) {
          const target = this.writtenSeq
          await datasync(handle)
          this.syncedSeq = target
          this.settle(target)
        } else {
          return
        }
      }
    } catch (error) {
      this.error = error as Error
      for (const w of this.waiters.splice(0)) w.reject(this.error)
    }
  }
}

async function datasync(handle: FileHandle): Promise<void> {
  try {
    await handle.datasync()
  } catch {
    await handle.sync()
  }
}
