import {Flags} from '@oclif/core'

import {normalizeRequestId, reopenOutcome, reopenRequest} from '../app/review-reopen.js'
import {approveAll, type BatchResult, decideBatch} from '../app/review.js'
import {BaseCommand} from '../base-command.js'
import {CervenoError} from '../core/errors.js'
import {type Decision} from '../core/requests/decide.js'
import {type RequestJson, toRequestJson} from '../core/requests/types.js'
import {common, review as t} from '../messages/it.js'
import {reviewUndo, skippedText} from '../messages/review-undo.js'

export interface ReviewResult {
  approved: number
  decisions: RequestJson[]
  deferred: number
  discarded: number
  pending: number
  rejected: number
  /** With --reopen: the request back to pending and what happened to its registry row. */
  reopened?: {id: string; subscriber: ReturnType<typeof reopenOutcome>}
  skipped: {code: string; id: string}[]
}

const ids = (list?: string[]) => (list ?? []).map(id => normalizeRequestId(id))

export default class Review extends BaseCommand<typeof Review> {
  static description = t.description
  static examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> --approve 3f9c0a1b2c 77d0e41a9b',
    '<%= config.bin %> <%= command.id %> --reject 3f9c0a1b2c --reason "non residente"',
    '<%= config.bin %> <%= command.id %> --approve-all --json',
    '<%= config.bin %> <%= command.id %> --reopen 3f9c0a1b2c',
  ]
  static flags = {
    approve: Flags.string({description: t.flags.approve, multiple: true}),
    'approve-all': Flags.boolean({description: t.flags.approveAll, exclusive: ['approve', 'reject', 'discard']}),
    discard: Flags.string({description: t.flags.discard, multiple: true}),
    operator: Flags.string({description: common.operatorFlag}),
    reason: Flags.string({dependsOn: ['reject'], description: t.flags.reason}),
    reject: Flags.string({description: t.flags.reject, multiple: true}),
    reopen: Flags.string({description: reviewUndo.reopenFlag, exclusive: ['approve', 'approve-all', 'reject', 'discard']}),
  }
  static summary = t.summary

  async run(): Promise<ReviewResult> {
    const f = this.flags
    const ctx = {now: this.now(), operator: this.operator(f.operator)}
    const folder = this.folder()
    const batch: Decision[] = [
      ...ids(f.approve).map(id => ({id, kind: 'approve'}) as const),
      ...ids(f.reject).map(id => ({id, kind: 'reject', reason: f.reason ?? ''}) as const),
      ...ids(f.discard).map(id => ({id, kind: 'discard'}) as const),
    ]
    if (f.reject && !f.reason) throw new CervenoError('USAGE', {detail: t.rejectNeedsReason})

    let result: BatchResult
    let deferred = 0
    let reopened: ReviewResult['reopened']
    if (f.reopen) {
      const effect = await reopenRequest(folder, ctx, f.reopen)
      reopened = {id: effect.request.after.id, subscriber: reopenOutcome(effect)}
      if (!this.jsonEnabled()) this.log(reviewUndo.reopened(reopened.id, reviewUndo.reopenWhat[reopened.subscriber]))
      result = {effects: [], skipped: []}
    } else if (f['approve-all']) result = await approveAll(folder, ctx)
    else if (batch.length > 0) result = await decideBatch(folder, ctx, batch)
    else {
      if (this.jsonEnabled() || !process.stdin.isTTY || !process.stdout.isTTY) throw new CervenoError('NO_TTY', {hint: t.noTtyHint})
      await folder.config()
      const {runInteractiveReview} = await import('../ui/review-session.js')
      const session = await runInteractiveReview(folder, ctx, s => this.log(s))
      result = {effects: session.effects, skipped: []}
      deferred = session.deferred
    }

    const pending = (await folder.readRequests()).filter(r => r.status === 'pending').length
    const count = (k: Decision['kind']) => result.effects.filter(e => e.decision.kind === k).length
    const out: ReviewResult = {
      approved: count('approve'),
      decisions: result.effects.map(e => toRequestJson(e.request.after)),
      deferred,
      discarded: count('discard'),
      pending,
      rejected: count('reject'),
      skipped: result.skipped.map(s => ({code: s.code, id: s.request.id})),
    }
    if (reopened) out.reopened = reopened
    if (!this.jsonEnabled()) {
      if (result.skipped.length > 0) this.log(skippedText(result.skipped))
      if (!reopened) this.log(t.summary_(out))
    }

    return out
  }
}
