import {type AuditEntry} from '../core/audit.js'
import {CervenoError} from '../core/errors.js'
import {
  applyDecision, buildReviewState, correctRequest, type Decision, type DecisionEffect, findPending, type ReviewState,
} from '../core/requests/decide.js'
import {pendingQueue} from '../core/requests/merge.js'
import {type RequestRecord} from '../core/requests/types.js'
import {type DataFolder, type MutationContext, type Transaction} from '../io/data-folder.js'

const SUBSCRIBER_ACTION = {
  added: 'add', ceased: 'cease', reactivated: 'reactivate', renamed: 'rename',
} as const

export function auditsFor(effect: DecisionEffect): Omit<AuditEntry, 'operator' | 'ts'>[] {
  const out: Omit<AuditEntry, 'operator' | 'ts'>[] = [
    {
      action: `request.${effect.decision.kind}`, after: effect.request.after, before: effect.request.before, subject: effect.request.after.id,
    },
  ]
  if (effect.subscriber) {
    const s = effect.subscriber
    out.push({
      action: `subscriber.${SUBSCRIBER_ACTION[s.kind]}`, after: s.after, before: s.before, subject: s.after.phone,
    })
  }

  for (const sup of effect.superseded) {
    out.push({
      action: 'request.supersede', after: {...sup.before, status: 'superseded'}, before: sup.before, subject: sup.before.id,
    })
  }

  return out
}

async function loadState(tx: Transaction): Promise<ReviewState> {
  return buildReviewState(await tx.requests(), await tx.subscribers())
}

function save(tx: Transaction, state: ReviewState, effects: DecisionEffect[]): void {
  tx.setRequests(state.requests)
  if (effects.some(e => e.subscriber)) tx.setSubscribers(state.subscribers)
  for (const e of effects) for (const a of auditsFor(e)) tx.audit(a)
}

export interface BatchResult {
  effects: DecisionEffect[]
  /** Pending requests approve-all could not approve, with the reason code. */
  skipped: {code: string; request: RequestRecord}[]
}

/**
 * A batch of decisions, all or nothing: an unknown or already decided id, or a decision that
 * cannot apply, stops the batch before anything is written (exit 4 naming the id).
 */
export async function decideBatch(folder: DataFolder, ctx: MutationContext, decisions: Decision[]): Promise<BatchResult> {
  const {config} = await folder.config()
  return folder.mutate(ctx, async tx => {
    const state = await loadState(tx)
    const seen = new Set<string>()
    for (const d of decisions) {
      if (seen.has(d.id)) throw new CervenoError('ALREADY_DECIDED', {id: d.id, status: 'duplicate'})
      seen.add(d.id)
      findPending(state, d.id)
    }

    const effects = decisions.map(d => applyDecision(state, d, {now: tx.nowIso, operator: ctx.operator, privacyNotice: config.privacyNotice}))
    save(tx, state, effects)
    return {effects, skipped: []}
  })
}

/**
 * Approves every pending request that can be approved, oldest first, in one write. Requests
 * without a phone or a name, and OFF requests from non-subscribers, stay pending for the clerk.
 */
export async function approveAll(folder: DataFolder, ctx: MutationContext): Promise<BatchResult> {
  const {config} = await folder.config()
  return folder.mutate(ctx, async tx => {
    const state = await loadState(tx)
    const effects: DecisionEffect[] = []
    const skipped: BatchResult['skipped'] = []
    for (const r of pendingQueue(state.requests)) {
      if (state.requests[state.requestIndex.get(r.id)!].status !== 'pending') continue
      try {
        effects.push(applyDecision(state, {id: r.id, kind: 'approve'}, {now: tx.nowIso, operator: ctx.operator, privacyNotice: config.privacyNotice}))
      } catch (error) {
        if (!(error instanceof CervenoError)) throw error
        skipped.push({code: error.code, request: r})
      }
    }

    save(tx, state, effects)
    return {effects, skipped}
  })
}

/** One interactive decision, saved as it is made (with an optional correction first). */
export async function decideOne(
  folder: DataFolder,
  ctx: MutationContext,
  step: {correction?: {name?: string; phone?: string}; decision?: Decision; id: string},
): Promise<{effect?: DecisionEffect; request: RequestRecord}> {
  const {config} = await folder.config()
  return folder.mutate(ctx, async tx => {
    const state = await loadState(tx)
    let request = findPending(state, step.id)
    if (step.correction) {
      const c = correctRequest(state, step.id, step.correction)
      tx.audit({
        action: 'request.correct', after: c.after, before: c.before, subject: step.id,
      })
      request = c.after
      tx.setRequests(state.requests)
    }

    if (!step.decision) return {request}
    const effect = applyDecision(state, step.decision, {now: tx.nowIso, operator: ctx.operator, privacyNotice: config.privacyNotice})
    save(tx, state, [effect])
    return {effect, request: effect.request.after}
  })
}
