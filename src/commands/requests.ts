import {BaseCommand} from '../base-command.js'
import {aliasedOption, REQUEST_STATUS_ALIASES} from '../cli/value-aliases.js'
import {formatPhone} from '../core/phone.js'
import {REQUEST_STATUSES, type RequestJson, toRequestJson} from '../core/requests/types.js'
import {formatItalian} from '../core/time.js'
import {requests as t} from '../messages/it.js'
import {table} from '../ui/render.js'

export default class Requests extends BaseCommand<typeof Requests> {
  static description = t.description
  static examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> --status all --json']
  static flags = {
    status: aliasedOption([...REQUEST_STATUSES, 'all'], REQUEST_STATUS_ALIASES, {default: 'pending', description: t.statusFlag, helpValue: '<stato>'}),
  }
  static summary = t.summary

  async run(): Promise<RequestJson[]> {
    const all = await this.folder().readRequests()
    const shown = all
    .filter(r => this.flags.status === 'all' || r.status === this.flags.status)
    .sort((a, b) => Date.parse(a.receivedAt) - Date.parse(b.receivedAt))
    if (!this.jsonEnabled()) {
      if (shown.length === 0) this.log(t.none)
      else {
        const rows = shown.map(r => [
          r.id,
          r.action,
          r.phone ? formatPhone(r.phone) : t.noPhone,
          r.name ?? t.noName,
          formatItalian(r.receivedAt),
          t.status[r.status],
        ])
        this.log(table(t.header, rows))
        this.log(t.total(shown.length))
      }
    }

    return shown.map(r => toRequestJson(r))
  }
}
