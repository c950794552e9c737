/**
 * The bookkeeping of one broadcast run (DESIGN §6): the records of its append-only journal and what they
 * say about each recipient. Pure: the io layer reads the lines, this folds them.
 *
 * Exactly-once rule: an `intent` line is written before each request and an `outcome` line after it.
 * A recipient whose last intent has no outcome may or may not have received the notice: it is uncertain,
 * and only status webhooks (matched by wamid, or by the attempt id echoed as biz_opaque_callback_data) or
 * an explicit --retry-uncertain may change that.
 */
import {mergeStatus, trackedStatus} from '../webhook/status.js'
import {type DeliveryState, type WebhookErrorDetail} from '../webhook/types.js'
import {isMediaRecord, type MediaRecord} from './media.js'

export type RunKind = 'new' | 'resume' | 'retry-failed'
export type EndReason = 'completed' | 'fatal' | 'interrupted' | 'offline' | 'paused'

/** One invocation (first run, each resume) opens with `start`... */
export interface StartRecord {
  at: string
  host: string
  kind: RunKind
  operator: string
  pid: number
  /** Recipients queued by this invocation. */
  queued: number
  rate: number
  retryUncertain: boolean
  type: 'start'
}

/** ...and, unless the process died, closes with `end`. */
export interface EndRecord {
  at: string
  /** The Graph error code that stopped or paused the run. */
  code?: number
  failed: number
  reason: EndReason
  sent: number
  type: 'end'
  uncertain: number
}

export interface IntentRecord {
  at: string
  /** `<run id>:<recipient index>:<attempt number>`, also sent as biz_opaque_callback_data. */
  attempt: string
  i: number
  phone: string
  type: 'intent'
}

/**
 * What became of one attempt: `sent` (accepted, wamid), `failed` (this recipient will not get it in this run),
 * `rejected` (Meta refused the request, so nothing was sent: the recipient is still to do), `uncertain`.
 */
export type AttemptResult = 'failed' | 'rejected' | 'sent' | 'uncertain'

export interface OutcomeRecord {
  at: string
  attempt: string
  /** Attempts made for this recipient so far, this one included. */
  attempts: number
  code?: number
  details?: string
  fbtraceId?: string
  httpStatus?: number
  i: number
  /** Transport failures: timeout, network, aborted. */
  kind?: string
  messageStatus?: string
  phone: string
  result: AttemptResult
  /** The classification rule (cloud-api classify.ts), or an engine rule such as `retries-exhausted`. */
  rule?: string
  /** For `failed`: the cause may go away (undeliverable today, retries exhausted…): --retry-failed resends. */
  temporary?: boolean
  title?: string
  transportCode?: string
  type: 'outcome'
  waId?: string
  wamid?: string
}

export type JournalRecord = EndRecord | IntentRecord | MediaRecord | OutcomeRecord | StartRecord

/** A status webhook event as stored in a run's statuses file (core/webhook StatusEvent, loosely). */
export interface StoredStatus {
  at: null | string
  bizOpaque?: string
  errors: WebhookErrorDetail[]
  recipientId: null | string
  status: string
  wamid: string
}

/** Per-recipient state codes (kept in a Uint8Array: runs can have millions of recipients). */
export const R = {
  failed: 4,
  failedTemporary: 3,
  /** An intent without outcome. */
  open: 1,
  pending: 0,
  sent: 2,
  /** The outcome itself said uncertain (timeout, connection lost after sending). */
  uncertain: 5,
} as const

export type RecipientCode = (typeof R)[keyof typeof R]

export type RecipientOutcome = 'failed' | 'pending' | 'sent' | 'uncertain'

const OUTCOME_OF: Record<number, RecipientOutcome> = {
  [R.failed]: 'failed',
  [R.failedTemporary]: 'failed',
  [R.open]: 'uncertain',
  [R.pending]: 'pending',
  [R.sent]: 'sent',
  [R.uncertain]: 'uncertain',
}

export interface Failure {
  code?: number
  details?: string
  rule?: string
  title?: string
}

export function attemptId(runId: string, index: number, attempt: number): string {
  return `${runId}:${index}:${attempt}`
}

export function parseAttemptId(value: string): undefined | {attempt: number; index: number; runId: string} {
  const match = /^([\w-]+):(\d+):(\d+)$/.exec(value)
  if (!match) return undefined
  return {attempt: Number(match[3]), index: Number(match[2]), runId: match[1]}
}

/** Graph codes of per-recipient failures that a later attempt may overcome (cloud-api.md §3.3). */
const TEMPORARY_CODES = new Set([
  130_472, // experiment group
  131_026, // undeliverable: not on WhatsApp today, old client, terms not accepted
  131_030, // not in the allowed list while the app is in development mode
  131_047, // outside the 24-hour window (free text): the citizen may have written since
  131_049, // ecosystem cap, retry after 24 h
])

/** Whether --retry-failed should try this failure again. */
export function mayBeTemporary(code: number | undefined, rule?: string): boolean {
  if (rule !== undefined && rule.endsWith('exhausted')) return true
  return code !== undefined && TEMPORARY_CODES.has(code)
}

export interface Invocation {
  end?: EndRecord
  start: StartRecord
}

/**
 * Folds a run's journal (and its imported statuses) into per-recipient state. O(1) per record; memory is a
 * few bytes per recipient plus the wamids of sent messages.
 */
export class RunLedger {
  readonly attempts: Uint16Array
  /** Lines that were not valid journal records (a torn last line, a hand edit). */
  badLines = 0
  /** Delivery state per wamid, from imported status webhooks. */
  readonly delivery = new Map<string, DeliveryState>()
  readonly failures = new Map<number, Failure>()
  readonly invocations: Invocation[] = []
  /** The last media upload recorded (the header's id for every message after it). */
  media: MediaRecord | undefined
  /** Recipients whose state came from a status webhook rather than from the journal. */
  readonly resolvedByWebhook = new Set<number>()
  readonly state: Uint8Array
  /** The wamid of each sent recipient. */
  readonly wamids: Array<string | undefined>

  constructor(
    readonly runId: string,
    readonly size: number,
  ) {
    this.state = new Uint8Array(size)
    this.attempts = new Uint16Array(size)
    this.wamids = Array.from<string | undefined>({length: size})
  }

  /** Applies one journal line (already parsed); anything unexpected is counted, not thrown. */
  apply(record: unknown): void {
    const r = record as null | Partial<JournalRecord>
    if (r === null || typeof r !== 'object') {
      this.badLines++
      return
    }

    switch (r.type) {
    case 'end': {
      const last = this.invocations.at(-1)
      if (last && last.end === undefined) last.end = r as EndRecord
      return
    }

    case 'intent': {
      const i = this.index(r.i)
      if (i === undefined) return
      this.state[i] = R.open
      this.attempts[i] = Math.min(65_535, Math.max(this.attempts[i] + 1, attemptNumber(r.attempt)))
      return
    }

    case 'media': {
      if (isMediaRecord(r)) this.media = r
      else this.badLines++
      return
    }

    case 'outcome': {
      const i = this.index(r.i)
      if (i === undefined) return
      this.applyOutcome(i, r as OutcomeRecord)
      return
    }

    case 'start': {
      this.invocations.push({start: r as StartRecord})
      return
    }

    default: {
      this.badLines++
    }
    }
  }

  /**
   * Applies imported status webhooks: delivery per wamid (furthest status wins, failed terminal), and
   * evidence about attempts this journal left open or uncertain (matched by the echoed attempt id).
   */
  applyStatuses(events: Iterable<StoredStatus>): void {
    for (const event of events) {
      if (typeof event?.wamid !== 'string' || typeof event.status !== 'string') continue
      const status = {...event, errors: Array.isArray(event.errors) ? event.errors : [], recipientUserId: null}
      const before = this.delivery.get(event.wamid)
      const after = mergeStatus(before, status)
      if (after !== before) this.delivery.set(event.wamid, after)
      this.resolve(status)
    }
  }

  counts(): {failed: number; failedTemporary: number; pending: number; sent: number; uncertain: number} {
    const c = {
      failed: 0, failedTemporary: 0, pending: 0, sent: 0, uncertain: 0,
    }
    for (const s of this.state) {
      switch (s) {
      case R.failed: {
        c.failed++
        break
      }

      case R.failedTemporary: {
        c.failed++
        c.failedTemporary++

        break
      }

      case R.open:
      case R.uncertain: {
        c.uncertain++
        break
      }

      case R.sent: {
        c.sent++
        break
      }

      default: {c.pending++
      }
      }
    }

    return c
  }

  /** The furthest delivery status known for a sent recipient, or null. */
  deliveryOf(i: number): null | string {
    const wamid = this.wamids[i]
    if (wamid === undefined) return null
    const state = this.delivery.get(wamid)
    if (!state) return null
    const tracked = trackedStatus(state.status)
    return tracked ?? null
  }

  /** The recipients a new invocation should send to, in snapshot order. */
  eligible(options: {retryFailed?: boolean; retryUncertain?: boolean} = {}): number[] {
    const out: number[] = []
    for (let i = 0; i < this.size; i++) {
      const s = this.state[i]
      if (
        s === R.pending
        || (options.retryUncertain && (s === R.open || s === R.uncertain))
        || (options.retryFailed && s === R.failedTemporary)
      ) {
        out.push(i)
      }
    }

    return out
  }

  /** The Graph code of a failure: the journal's, else a failed status webhook's. */
  errorCodeOf(i: number): null | number {
    const code = this.failures.get(i)?.code
    if (code !== undefined) return code
    const wamid = this.wamids[i]
    const state = wamid === undefined ? undefined : this.delivery.get(wamid)
    return state?.status === 'failed' ? state.errorCode : null
  }

  /** Recipient outcome as the clerk sees it (uncertain covers open intents). */
  outcome(i: number): RecipientOutcome {
    return OUTCOME_OF[this.state[i]] ?? 'pending'
  }

  /**
   * The show/list totals: sent + failed + uncertain + pending = recipients; delivered ⊆ sent, read ⊆ delivered.
   * A message accepted by Meta whose status webhook later says failed counts as failed, not sent.
   */
  totals(): {delivered: number; failed: number; pending: number; read: number; sent: number; uncertain: number} {
    const t = {
      delivered: 0, failed: 0, pending: 0, read: 0, sent: 0, uncertain: 0,
    }
    for (let i = 0; i < this.size; i++) {
      const outcome = this.outcome(i)
      if (outcome !== 'sent') {
        t[outcome]++
        continue
      }

      const delivery = this.deliveryOf(i)
      if (delivery === 'failed') {
        t.failed++
        continue
      }

      t.sent++
      if (delivery === 'delivered' || delivery === 'read') t.delivered++
      if (delivery === 'read') t.read++
    }

    return t
  }

  private applyOutcome(i: number, r: OutcomeRecord): void {
    this.attempts[i] = Math.min(65_535, Math.max(this.attempts[i], typeof r.attempts === 'number' ? r.attempts : 0))
    switch (r.result) {
    case 'failed': {
      this.state[i] = r.temporary ? R.failedTemporary : R.failed
      this.failures.set(i, {
        code: r.code, details: r.details, rule: r.rule, title: r.title,
      })
      return
    }

    case 'rejected': {
      // Nothing reached the citizen: still to do (unless a webhook already proved otherwise).
      if (this.state[i] !== R.sent) this.state[i] = R.pending
      return
    }

    case 'sent': {
      this.state[i] = R.sent
      if (typeof r.wamid === 'string') this.wamids[i] = r.wamid
      this.failures.delete(i)
      return
    }

    case 'uncertain': {
      if (this.state[i] !== R.sent) this.state[i] = R.uncertain
      this.failures.set(i, {
        code: r.code, details: r.details, rule: r.rule, title: r.title,
      })
      return
    }

    default: {
      this.badLines++
    }
    }
  }

  private index(value: unknown): number | undefined {
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value >= this.size) {
      this.badLines++
      return undefined
    }

    return value
  }

  /** A webhook that echoes one of this run's attempt ids proves that attempt reached Meta. */
  private resolve(event: StoredStatus): void {
    if (event.bizOpaque === undefined) return
    const parsed = parseAttemptId(event.bizOpaque)
    if (!parsed || parsed.runId !== this.runId) return
    const i = this.index(parsed.index)
    if (i === undefined || this.state[i] === R.sent) return
    const tracked = trackedStatus(event.status)
    if (tracked === 'sent' || tracked === 'delivered' || tracked === 'read') {
      this.state[i] = R.sent
      this.wamids[i] = event.wamid
      this.failures.delete(i)
      this.resolvedByWebhook.add(i)
    } else if (tracked === 'failed' && this.state[i] !== R.failed && this.state[i] !== R.failedTemporary) {
      const code = event.errors.find(e => e.code !== null)?.code ?? undefined
      this.state[i] = mayBeTemporary(code) ? R.failedTemporary : R.failed
      this.wamids[i] = event.wamid
      this.failures.set(i, {
        code, details: event.errors[0]?.details ?? undefined, rule: 'webhook', title: event.errors[0]?.title ?? undefined,
      })
      this.resolvedByWebhook.add(i)
    }
  }
}

function attemptNumber(attempt: unknown): number {
  return typeof attempt === 'string' ? (parseAttemptId(attempt)?.attempt ?? 0) : 0
}

export type RunStatus = 'completed' | 'dry-run' | 'interrupted' | 'paused' | 'running' | 'stopped'

/** The run's status from its invocations; `alive` tells whether the pid of an unfinished invocation still runs. */
export function runStatus(invocations: readonly Invocation[], dryRun: boolean, alive: (start: StartRecord) => boolean): RunStatus {
  if (dryRun) return 'dry-run'
  const last = invocations.at(-1)
  if (!last) return 'interrupted'
  if (last.end === undefined) return alive(last.start) ? 'running' : 'interrupted'
  switch (last.end.reason) {
  case 'completed': {
    return 'completed'
  }

  case 'fatal': {
    return 'stopped'
  }

  case 'paused': {
    return 'paused'
  }

  default: {
    return 'interrupted'
  }
  }
}
