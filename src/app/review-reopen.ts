import {type AuditEntry} from '../core/audit.js'
import {type Subscriber} from '../core/registry/types.js'
import {buildReviewState} from '../core/requests/decide.js'
import {reopenDecision, type ReopenEffect, type SubscriberTrail} from '../core/requests/reopen.js'
import {type DataFolder, type MutationContext} from '../io/data-folder.js'
import {readAuditEntries} from './export-files.js'

/**
 * The registry change an approval made, from its audit lines: `request.approve` is followed at once by the
 * `subscriber.*` line of the same decision (app/review.ts auditsFor). The last approval of the id wins.
 */
async function approvalTrail(folder: DataFolder, id: string): Promise<SubscriberTrail | undefined> {
  let trail: SubscriberTrail | undefined
  let previous: AuditEntry | undefined
  await readAuditEntries(folder, e => {
    if (previous?.action === 'request.approve' && previous.subject === id && e.action.startsWith('subscriber.') && e.ts === previous.ts) {
      trail = {after: e.after as Subscriber, before: e.before as Subscriber | undefined}
    }

    previous = e
  })
  return trail
}

/** Case-insensitive ids: the clerk may type them as shown or in capitals. */
export const normalizeRequestId = (id: string) => id.trim().toLowerCase()

/**
 * `review --reopen <id>`: the decision undone in one transaction (request back to pending, the older
 * requests it superseded too, the registry row as it was), each change audited.
 */
export async function reopenRequest(folder: DataFolder, ctx: MutationContext, rawId: string): Promise<ReopenEffect> {
  const id = normalizeRequestId(rawId)
  const trail = await approvalTrail(folder, id)
  return folder.mutate(ctx, async tx => {
    const state = buildReviewState(await tx.requests(), await tx.subscribers())
    const effect = reopenDecision(state, id, trail)
    tx.setRequests(state.requests)
    tx.audit({
      action: 'request.reopen', after: effect.request.after, before: effect.request.before, subject: id,
    })
    for (const r of effect.reopened) {
      tx.audit({
        action: 'request.reopen', after: r.after, before: r.before, subject: r.after.id,
      })
    }

    if (effect.subscriber) {
      tx.setSubscribers(state.subscribers)
      tx.audit({
        action: effect.subscriber.after ? 'subscriber.revert' : 'subscriber.remove',
        after: effect.subscriber.after,
        before: effect.subscriber.before,
        subject: effect.subscriber.before.phone,
      })
    }

    return effect
  })
}

/** How the registry changed back, for the clerk's sentence. */
export function reopenOutcome(effect: ReopenEffect): 'active' | 'ceased' | 'none' | 'removed' | 'restored' {
  const s = effect.subscriber
  if (!s) return 'none'
  if (!s.after) return 'removed'
  if (s.after.status === s.before.status) return 'restored'
  return s.after.status
}
