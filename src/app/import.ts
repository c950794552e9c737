import {open, readdir, stat} from 'node:fs/promises'
import path from 'node:path'
import {setFlagsFromString} from 'node:v8'

import {type DateOrder, type DateOrderDecision} from '../core/chat-export/index.js'
import {type Config} from '../core/config.js'
import {type Foreign, foreignKind} from '../core/file-kind.js'
import {normalizePhone} from '../core/phone.js'
import {BatchMerge, IncomingBatch} from '../core/requests/merge.js'
import {type RequestRecord} from '../core/requests/types.js'
import {extractFromPayload, type StatusEvent} from '../core/webhook/index.js'
import {type ChatFileError, readChatFile} from '../io/chat-file.js'
import {type DataFolder, type MutationContext, type Transaction} from '../io/data-folder.js'
import {JsonSpill, type SpillMark} from '../io/spill.js'
import {
  looksLikeWebhookDump, readWebhookFile, type WebhookFileError, type WebhookFileItem,
} from '../io/webhook-file.js'
import {loadTombstoneIndex, TombstonedBatch} from './erasure-tombstones.js'
import {ChatBatch} from './import-chats.js'

export type ImportFormat = 'chat-txt' | 'chat-zip' | 'unknown' | 'webhook'

/** Why a file was skipped: a code the messages file turns into Italian, with the line when known. */
export interface FileProblem {
  code: string
  column?: number
  detail?: string
  entry?: string
  line?: number
}

export interface ImportFileResult {
  dateOrder?: DateOrderDecision
  error?: FileProblem
  format: ImportFormat
  ignored: number
  messages: number
  path: string
  /** Payloads refused inside a file that was otherwise imported (at most PAYLOAD_PROBLEMS_KEPT of them, see rejected). */
  payloadProblems?: PayloadProblemAt[]
  /** How many payloads were refused in all. */
  rejected?: number
  requests: number
  /** Not a chat nor a dump (a photo or a PDF beside the chat): skipped without counting as an error. */
  skipped?: Foreign
  statuses?: number
}

export interface NearMissView {
  author: null | string
  receivedAt: null | string
  source: string
  text: string
}

export interface ImportOutcome {
  /** Delivery statuses stored in broadcast journals (none on a dry run). */
  delivery: {duplicates: number; stored: number}
  duplicates: number
  /** Messages of citizens whose data were erased (privacy erase), left out. */
  erased: number
  files: ImportFileResult[]
  nearMisses: NearMissView[]
  newRequests: number
  /** The statuses of messages this data folder sent, for the delivery report. */
  statuses: StatusEvent[]
  /** Every status seen in webhook dumps, kept or not. */
  statusesSeen: number
  superseded: number
  unresolvedPhones: number
  warnings: {code: string; path?: string}[]
}

export interface ImportOptions {
  dateOrder?: DateOrder
  dryRun: boolean
  /** Payload streams read before the paths (the receiver's inbox), and what to record in the import's commit. */
  feeds?: {commit: (tx: Transaction) => void; sources: Array<{items: () => AsyncIterable<WebhookFileItem>; path: string}>}
  /**
   * Which delivery statuses to keep: those of messages this data folder sent. The others are only
   * counted, so a dump of any size streams in bounded memory.
   */
  keepStatus?: (event: StatusEvent) => boolean
  /** Collect the near misses: a big dump can hold many, and only --show-ignored shows them. */
  nearMisses: boolean
  paths: string[]
  phone?: string
  self: string[]
}

const DAY_SECONDS = 24 * 3600

const SKIP = /^(\.|__MACOSX$|Thumbs\.db$|desktop\.ini$)/i

/** Files named on the command line, folders walked (sorted, hidden files and __MACOSX skipped). */
export async function expandPaths(paths: readonly string[]): Promise<{files: string[]; missing: string[]}> {
  const files: string[] = []
  const missing: string[] = []
  const walk = async (p: string): Promise<void> => {
    const entries = (await readdir(p, {withFileTypes: true})).sort((a, b) => (a.name < b.name ? -1 : 1))
    for (const e of entries) {
      if (SKIP.test(e.name)) continue
      const full = path.join(p, e.name)
      if (e.isDirectory()) await walk(full)
      else if (e.isFile()) files.push(full)
    }
  }

  for (const p of paths) {
    try {
      const info = await stat(p)
      if (info.isDirectory()) await walk(p)
      else files.push(p)
    } catch {
      missing.push(p)
    }
  }

  return {files: [...new Set(files)], missing}
}

async function head(file: string): Promise<Uint8Array> {
  const fd = await open(file, 'r')
  try {
    const buf = Buffer.alloc(4096)
    const {bytesRead} = await fd.read(buf, 0, buf.length, 0)
    return buf.subarray(0, bytesRead)
  } finally {
    await fd.close()
  }
}

function chatFileProblem(e: ChatFileError): FileProblem {
  return {
    code: `chat-file:${e.reason}`, column: e.column, detail: e.detail, entry: e.entry, line: e.line,
  }
}

function webhookProblem(e: WebhookFileError): FileProblem {
  return {
    code: `webhook:${e.code}`, column: e.column ?? undefined, detail: e.detail, line: e.line ?? undefined,
  }
}

/** A refused payload: where it is in the file (line for NDJSON, else its 1-based number) and why. */
export interface PayloadProblemAt {
  code: string
  index: number
  line: null | number
  value: string
}

/** Refused payloads listed per file; beyond them only the count (a hostile dump can refuse millions). */
const PAYLOAD_PROBLEMS_KEPT = 20

interface Collected {
  keepNearMisses: boolean
  keepStatus: (event: StatusEvent) => boolean
  nearMisses: NearMissView[]
  /** Every request found, as a record, first come first kept; the records wait in a spill file. */
  requests: IncomingBatch<SpillMark>
  results: ImportFileResult[]
  statuses: StatusEvent[]
  statusesSeen: number
}

async function readWebhooks(
  file: string,
  config: Config,
  into: Collected,
  nowIso: string,
  items: AsyncIterable<WebhookFileItem> = readWebhookFile(file),
): Promise<void> {
  const result: ImportFileResult = {
    format: 'webhook', ignored: 0, messages: 0, path: file, requests: 0, statuses: 0,
  }
  // Straight into the batch, each request as it comes: nothing per file to copy. A file that fails is taken back out.
  const mark = {nearMisses: into.nearMisses.length, requests: into.requests.mark(), statuses: into.statuses.length}
  const base = path.basename(file)
  const latestSeconds = Math.floor(Date.parse(nowIso) / 1000) + DAY_SECONDS
  for await (const item of items) {
    if (item.kind === 'error') {
      into.requests.rollback(mark.requests)
      into.statuses.length = mark.statuses
      into.nearMisses.length = mark.nearMisses
      into.results.push({
        ...result, error: webhookProblem(item.error), ignored: 0, messages: 0, requests: 0, statuses: 0,
      })
      return
    }

    if (item.kind === 'end') break
    const where = item.line === null ? `${base}#${item.index + 1}` : `${base}:${item.line}`
    const x = extractFromPayload(item.payload, {
      defaultCountry: config.defaultCountry, keyword: config.keyword, latestSeconds, source: where,
    })
    if (x.problems.length > 0) {
      result.rejected = (result.rejected ?? 0) + 1
      result.payloadProblems ??= []
      if (result.payloadProblems.length < PAYLOAD_PROBLEMS_KEPT) result.payloadProblems.push({...x.problems[0], index: item.index + 1, line: item.line})
      continue
    }

    result.messages += x.counts.messages
    result.ignored += x.counts.ignoredMessages
    result.requests += x.requests.length
    for (const r of x.requests) {
      into.requests.add({
        action: r.action,
        author: r.profileName ?? undefined,
        identity: r.wamid ? `wa\u0000${r.wamid}` : `wa\u0000${where}\u0000${r.rawText}`,
        name: r.name,
        phone: r.phone,
        phoneSource: r.phone ? 'webhook' : undefined,
        rawText: r.rawText,
        receivedAt: r.receivedAt ?? nowIso,
        source: r.wamid ?? where,
        userId: r.userId ?? undefined,
      })
    }

    result.statuses! += x.statuses.length
    for (const st of x.statuses) if (into.keepStatus(st)) into.statuses.push(st)
    if (into.keepNearMisses) for (const n of x.nearMisses) into.nearMisses.push({
      author: n.profileName ?? n.phone, receivedAt: n.receivedAt, source: n.source, text: n.text,
    })
  }

  into.statusesSeen += result.statuses!
  into.results.push(result)
}

/**
 * The audit entries of a merge, made one at a time while the commit appends them.
 * @yields one entry per new request, then one per superseded request
 */
function * mergeAudits(m: BatchMerge<SpillMark>): Generator<{action: string; after: RequestRecord; before?: RequestRecord; subject: string}> {
  for (const r of m.newRequests()) yield {action: 'request.import', after: r, subject: r.id}
  for (const s of m.supersessions()) yield {
    action: 'request.supersede', after: {...s.before, status: 'superseded'}, before: s.before, subject: s.before.id,
  }
}

/**
 * Reads every file, extracts ON/OFF requests (chat-formats.md §11) and statuses, then merges the
 * requests into richieste.csv in one transaction (or not at all with dryRun). A file that cannot be
 * read is reported and contributes nothing; the others are imported. The requests found wait in a temp spill
 * file until the merge, which streams them into richieste.csv and the audit: memory does not grow with the
 * size of the files.
 */
export async function importFiles(folder: DataFolder, ctx: MutationContext, options: ImportOptions, nowIso: string): Promise<ImportOutcome> {
  // An import keeps about 25 MB live and makes garbage at a high rate. V8 then lets the old generation grow up to
  // 4× what the last full collection kept before it collects again, and a 2 GiB dump peaked anywhere between 190
  // and 310 MiB RSS from run to run. Capped at 1.5×, full collections come more often (each takes about 15 ms)
  // and the peak stays near 170-185 MiB, for the same CPU time (BENCHMARKS.md). V8 reads this flag at every full
  // collection, so setting it now takes effect for the rest of the process.
  setFlagsFromString('--heap-growing-percent=50')
  const spill = new JsonSpill<RequestRecord>()
  try {
    const tombstones = await loadTombstoneIndex(folder)
    const batch = tombstones ? new TombstonedBatch(spill, tombstones) : new IncomingBatch(spill)
    const outcome = await importInto(batch, folder, ctx, options, nowIso)
    return {...outcome, erased: batch instanceof TombstonedBatch ? batch.erased : 0}
  } finally {
    spill.close()
  }
}

function feedsOf(options: ImportOptions): NonNullable<ImportOptions['feeds']> {
  return options.feeds ?? {commit() {}, sources: []}
}

async function importInto(
  batch: IncomingBatch<SpillMark>,
  folder: DataFolder,
  ctx: MutationContext,
  options: ImportOptions,
  nowIso: string,
): Promise<Omit<ImportOutcome, 'erased'>> {
  const {config} = await folder.config()
  const phoneOption = options.phone ? normalizePhone(options.phone, config.defaultCountry) : null
  const selfNames = [...config.selfNames, ...options.self]
  const {files, missing} = await expandPaths(options.paths)
  // Loaded here, not at start-up: only an import needs the journals' wamids.
  const delivery = await import('./broadcast.js')
  const into: Collected = {
    keepNearMisses: options.nearMisses,
    keepStatus: options.keepStatus ?? (await delivery.deliveryStatusFilter(folder)),
    nearMisses: [],
    requests: batch,
    results: [],
    statuses: [],
    statusesSeen: 0,
  }
  for (const m of missing) into.results.push({
    error: {code: 'not-found'}, format: 'unknown', ignored: 0, messages: 0, path: m, requests: 0,
  })

  const feeds = feedsOf(options)
  for (const feed of feeds.sources) await readWebhooks(feed.path, config, into, nowIso, feed.items())
  // Chats are parsed one file at a time; those that cannot tell their date order wait for the batch's vote.
  const chats = new ChatBatch({
    dateOrder: options.dateOrder,
    defaultCountry: config.defaultCountry,
    keyword: config.keyword,
    latestMs: Date.parse(nowIso) + (DAY_SECONDS * 1000),
    phone: phoneOption,
    selfNames,
  }, {
    addRequest: r => into.requests.add(r),
    keepNearMisses: into.keepNearMisses,
    nearMisses: into.nearMisses,
    results: into.results,
  })
  for (const file of files) {
    let first: Uint8Array
    try {
      first = await head(file)
    } catch (error) {
      into.results.push({
        error: {code: 'chat-file:unreadable', detail: (error as NodeJS.ErrnoException).code}, format: 'unknown', ignored: 0, messages: 0, path: file, requests: 0,
      })
      continue
    }

    const foreign = foreignKind(first)
    if (foreign) {
      into.results.push({
        format: 'unknown', ignored: 0, messages: 0, path: file, requests: 0, skipped: foreign,
      })
      continue
    }

    if (looksLikeWebhookDump(first)) {
      await readWebhooks(file, config, into, nowIso)
      continue
    }

    const read = await readChatFile(file)
    if (!read.ok) {
      const webhookish = first.length > 0 && (first[0] === 0x7B || first[0] === 0x5B)
      if (webhookish && read.error.reason !== 'binary') await readWebhooks(file, config, into, nowIso)
      else into.results.push({
        error: chatFileProblem(read.error), format: 'unknown', ignored: 0, messages: 0, path: file, requests: 0,
      })
      continue
    }

    chats.take(file, read.container, read.chats)
  }

  await chats.finish()

  const order = new Map([...options.paths, ...files].map((f, i) => [f, i]))
  into.results.sort((a, b) => (order.get(a.path) ?? 0) - (order.get(b.path) ?? 0))
  const warnings: ImportOutcome['warnings'] = []
  let stored = {duplicates: 0, stored: 0}
  const merged = await (options.dryRun
    ? new BatchMerge(await folder.requestRows(), into.requests, nowIso)
    : folder.mutate(ctx, async tx => {
      const m = new BatchMerge(await tx.requestRows(), into.requests, tx.nowIso)
      if (m.added > 0) {
        // Rows and audit entries are made from the table and the spill while the commit writes them.
        if (m.changesStored) tx.streamRequests('replace', () => m.rows())
        else tx.streamRequests('append', () => m.newRows())
        tx.auditEach(() => mergeAudits(m))
      }

      for (const h of tx.handEdits) warnings.push({code: 'hand-edited', path: h.file})
      feeds.commit(tx)
      if (into.statuses.length > 0) {
        const d = await delivery.recordDeliveryStatuses(folder, into.statuses, {locked: true})
        stored = {duplicates: d.duplicates, stored: d.stored}
      }

      return m
    }))

  return {
    delivery: stored,
    duplicates: merged.duplicates,
    files: into.results,
    nearMisses: into.nearMisses,
    newRequests: merged.added,
    statuses: into.statuses,
    statusesSeen: into.statusesSeen,
    superseded: merged.superseded,
    unresolvedPhones: merged.unresolvedPhones,
    warnings,
  }
}
