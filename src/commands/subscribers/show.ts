import {Args} from '@oclif/core'

import {type CitizenHistory, citizenHistory, resolveCitizen} from '../../app/citizen-history.js'
import {BaseCommand} from '../../base-command.js'
import {formatPhone} from '../../core/phone.js'
import {formatItalian, formatItalianDate} from '../../core/time.js'
import {history as h} from '../../messages/history.js'
import {
  exportCmd, broadcast as tb, requests as tr, subscribers as ts,
} from '../../messages/it.js'
import {safeText} from '../../ui/safe-text.js'

export default class SubscribersShow extends BaseCommand<typeof SubscribersShow> {
  static args = {
    who: Args.string({description: h.whoArg, required: true}),
  }
  static description = h.description
  static examples = ['<%= config.bin %> <%= command.id %> "+39 333 123 4567"', '<%= config.bin %> <%= command.id %> Rossi --json']
  static summary = h.summary

  async run(): Promise<CitizenHistory> {
    const folder = this.folder()
    const result = await citizenHistory(folder, await resolveCitizen(folder, this.args.who))
    if (!this.jsonEnabled()) this.log(render(result))
    return result
  }
}

function render(c: CitizenHistory): string {
  const lines = [h.title(formatPhone(c.phone))]
  const s = c.subscriber
  lines.push(s
    ? h.subscriber({
      approvedBy: safeText(s.approvedBy),
      ceasedAt: s.ceasedAt ? formatItalianDate(s.ceasedAt) : undefined,
      name: safeText(s.name),
      phone: formatPhone(s.phone),
      status: ts.status[s.status],
      subscribedAt: formatItalianDate(s.subscribedAt),
    })
    : h.notSubscribed, '', h.requestsTitle)
  if (c.requests.length === 0) lines.push(h.noRequests)
  for (const r of c.requests) {
    lines.push(
      h.request(formatItalian(r.receivedAt), r.id, r.action, safeText(r.source)),
      h.requestText(safeText(r.text)),
      `    ${h.decision(tr.status[r.status], r.decidedBy && safeText(r.decidedBy), r.decidedAt && formatItalian(r.decidedAt), r.reason && safeText(r.reason))}`,
    )
  }

  lines.push('', h.noticesTitle)
  if (c.notices.length === 0) lines.push(h.noNotices)
  for (const n of c.notices) {
    const outcome = [tb.show.outcome(n.outcome), n.delivery ? tb.show.delivery(n.delivery) : '', n.errorCode === null ? '' : reason(n.errorCode)]
    lines.push(h.notice(formatItalian(n.startedAt), n.broadcastId, safeText(n.text), outcome.filter(Boolean).join(', ')))
  }

  return lines.join('\n')
}

/** The Cloud API code in the clerk's words, with the code in brackets. */
function reason(code: number): string {
  const words = exportCmd.tables.broadcast.words.explanation
  return `${words[String(code)] ?? words['*']} [${code}]`
}
