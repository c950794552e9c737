/**
 * Sending a planned run. A run holds the broadcast lock (`invii/.lock`) for its whole duration, so only one
 * broadcast runs per data folder; it holds the data-folder lock only for the few milliseconds it needs to snapshot
 * the registry and append audit lines, so `import`, `review` and `subscribers` keep working during a long run.
 */
import {hostname} from 'node:os'

import {maxInFlightFor} from '../core/broadcast/plan.js'
import {RunLedger, type StartRecord} from '../core/broadcast/run-state.js'
import {CervenoError, isCervenoError} from '../core/errors.js'
import {toRomeIso} from '../core/time.js'
import {createCloudApiClient} from '../io/cloud-api.js'
import {type DataFolder, type MutationContext} from '../io/data-folder.js'
import {
  createRun, JournalWriter, repairJournal, type RunManifest, runsDir,
} from '../io/journal.js'
import {withLock} from '../io/lock.js'
import {BroadcastEngine, type EngineProgress, type EngineResult} from './broadcast-engine.js'
import {ensureMedia, runAttachment} from './broadcast-header.js'
import {
  activePhones, type BroadcastPlan, type BroadcastResult, buildMessage, loadLedger, newRunId,
} from './broadcast-plan.js'
import {type ApiSettings} from './broadcast-settings.js'

export interface RunHooks {
  /** Overrides the breaker threshold (tests). */
  maxConsecutiveFailures?: number
  onProgress?(progress: EngineProgress): void
  /** Called once the run exists on disk (its id is final). */
  onStarted?(info: {id: string; queued: number; recipients: number}): Promise<void> | void
  /** Abort = Ctrl-C: stop dispatching, finish what is in flight, close the journal. */
  signal?: AbortSignal
}

/** Runs under the broadcast lock; a held lock means another broadcast is running. */
async function withRunLock<T>(folder: DataFolder, fn: () => Promise<T>): Promise<T> {
  const dir = runsDir(folder.dir)
  try {
    return await withLock(dir, fn, 0)
  } catch (error) {
    if (isCervenoError(error) && error.code === 'LOCK_HELD' && error.params.dir === dir) {
      throw new CervenoError('BROADCAST_RUNNING', error.params)
    }

    throw error
  }
}

/** A Rome-time ISO clock that calls luxon at most once per second (journal lines are many). */
function isoClock(): () => string {
  let second = -1
  let cached = ''
  return () => {
    const now = Date.now()
    const s = Math.floor(now / 1000)
    if (s !== second) {
      second = s
      cached = toRomeIso(now)
    }

    return cached
  }
}

/**
 * Sends the planned broadcast (new run, resume or retry). Returns the result of this invocation; throws
 * BROADCAST_FATAL, BROADCAST_PAUSED or BROADCAST_INTERRUPTED (the run stays resumable) and BROADCAST_RUNNING.
 */
export async function runBroadcast(
  folder: DataFolder,
  plan: BroadcastPlan,
  ctx: MutationContext,
  api: ApiSettings,
  hooks: RunHooks = {},
): Promise<BroadcastResult> {
  await folder.assertInitialized()
  return withRunLock(folder, async () => {
    let {id} = plan
    let manifest: RunManifest
    let phones: string[]
    let queue: number[]
    let ledger: RunLedger
    const client = createCloudApiClient({...api, maxSockets: maxInFlightFor(plan.rate)})
    try {
      if (plan.kind === 'new') {
        ({id, manifest, phones} = await startNewRun(folder, plan, ctx, client.url))
        ledger = new RunLedger(id, phones.length)
        queue = phones.map((_, i) => i)
      } else {
        await repairJournal(folder.dir, id);
        ({ledger, manifest, phones} = await loadLedger(folder, id))
        queue = ledger.eligible({retryFailed: plan.kind === 'retry-failed', retryUncertain: plan.retryUncertain})
      }

      await client.warmUp()
      await hooks.onStarted?.({id, queued: queue.length, recipients: phones.length})
      const isoNow = isoClock()
      const journal = await JournalWriter.open(folder.dir, id)
      let result: EngineResult
      try {
        const start: StartRecord = {
          at: isoNow(),
          host: hostname(),
          kind: plan.kind,
          operator: ctx.operator,
          pid: process.pid,
          queued: queue.length,
          rate: plan.rate,
          retryUncertain: plan.retryUncertain,
          type: 'start',
        }
        journal.write([start])
        await journal.durable()
        const mediaId = await mediaForRun({
          client, isoNow, journal, ledger, manifest, plan, queued: queue.length,
        })
        const engine = new BroadcastEngine({
          build: buildMessage(manifest, mediaId),
          client,
          initialAttempts: i => ledger.attempts[i],
          isoNow,
          journal,
          maxConsecutiveFailures: hooks.maxConsecutiveFailures,
          maxInFlight: maxInFlightFor(plan.rate),
          onProgress: hooks.onProgress,
          phones,
          queue,
          rate: plan.rate,
          runId: id,
        })
        const onAbort = () => engine.stop()
        if (hooks.signal?.aborted) engine.stop()
        hooks.signal?.addEventListener('abort', onAbort)
        try {
          result = await engine.run()
        } finally {
          hooks.signal?.removeEventListener('abort', onAbort)
        }

        const {stop} = result
        journal.write([
          {
            at: isoNow(),
            code: stop?.reason === 'fatal' ? stop.error.code : (stop?.reason === 'paused' ? stop.code : undefined),
            failed: result.failed,
            reason: stop?.reason ?? 'completed',
            sent: result.sent,
            type: 'end',
            uncertain: result.uncertain,
          },
        ])
      } finally {
        await journal.close()
      }

      await auditQuietly(folder, ctx, 'broadcast.end', id, {
        failed: result.failed,
        reason: result.stop?.reason ?? 'completed',
        sent: result.sent,
        uncertain: result.uncertain,
      })
      throwIfStopped(id, result)
      return {
        dryRun: false,
        durationMs: result.durationMs,
        failed: result.failed,
        id,
        recipients: phones.length,
        sent: result.sent,
        skipped: phones.length - queue.length,
        uncertain: result.uncertain,
      }
    } finally {
      client.close()
    }
  })
}

/**
 * The attachment's media id for this invocation (uploaded now, or reused), recorded before the first message;
 * undefined for a run without one. A failed upload closes the invocation as stopped: the run stays resumable.
 */
async function mediaForRun(input: {
  client: ReturnType<typeof createCloudApiClient>
  isoNow(): string
  journal: JournalWriter
  ledger: RunLedger
  manifest: RunManifest
  plan: BroadcastPlan
  queued: number
}): Promise<string | undefined> {
  const attachment = runAttachment(input.manifest.header)
  if (attachment === undefined || input.queued === 0) return undefined
  try {
    const {id} = await ensureMedia({
      attachment,
      client: input.client,
      file: input.plan.attachFile,
      isoNow: input.isoNow,
      journal: input.journal,
      nowMs: Date.now(),
      queued: input.queued,
      recorded: input.ledger.media,
      runId: input.manifest.id,
    })
    return id
  } catch (error) {
    const code = isCervenoError(error) && typeof error.params.code === 'number' ? error.params.code : undefined
    input.journal.write([{
      at: input.isoNow(), code, failed: 0, reason: 'fatal', sent: 0, type: 'end', uncertain: 0,
    }])
    throw error
  }
}

/** Snapshot of the active subscribers, taken under the data-folder lock, saved before the first send. */
async function startNewRun(
  folder: DataFolder,
  plan: BroadcastPlan,
  ctx: MutationContext,
  url: string,
): Promise<{id: string; manifest: RunManifest; phones: string[]}> {
  return folder.mutate(ctx, async tx => {
    const phones = plan.to === undefined ? activePhones(await tx.subscribers()) : [plan.to]
    if (phones.length === 0) throw new CervenoError('NO_RECIPIENTS', {})
    let manifest: RunManifest = {...plan.manifest, apiUrl: url, recipients: phones.length}
    for (let tries = 0; ; tries++) {
      try {
        await createRun(tx, manifest, phones)
        break
      } catch (error) {
        // Two runs started in the same second with the same random suffix.
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || tries >= 5) throw error
        manifest = {...manifest, id: newRunId(ctx.now)}
      }
    }

    tx.audit({
      action: manifest.test ? 'broadcast.test' : 'broadcast.start',
      after: {mode: manifest.mode, recipients: phones.length, template: manifest.template?.name ?? null},
      subject: manifest.id,
    })
    return {id: manifest.id, manifest, phones}
  })
}

/** The end of a run is in its journal already; the audit line is a convenience that must not fail the run. */
async function auditQuietly(folder: DataFolder, ctx: MutationContext, action: string, subject: string, after: Record<string, unknown>): Promise<void> {
  try {
    await folder.mutate({...ctx, now: new Date()}, async tx => {
      tx.audit({action, after, subject})
    })
  } catch {}
}

function throwIfStopped(id: string, result: EngineResult): void {
  const {stop} = result
  if (stop === undefined) return
  const common = {id, pending: result.pending, sent: result.sent}
  if (stop.reason === 'fatal') {
    throw new CervenoError('BROADCAST_FATAL', {
      ...common,
      code: stop.error.code,
      details: stop.error.details ?? stop.error.title,
      hint: stop.error.fatalHint ?? 'unknown',
      httpStatus: stop.error.httpStatus,
    })
  }

  if (stop.reason === 'paused') throw new CervenoError('BROADCAST_PAUSED', {...common, code: stop.code, count: stop.consecutive})
  if (stop.reason === 'offline') throw new CervenoError('BROADCAST_OFFLINE', {...common, code: stop.transportCode})
  throw new CervenoError('BROADCAST_INTERRUPTED', common)
}

