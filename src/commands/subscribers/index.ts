import {Flags} from '@oclif/core'

import {BaseCommand} from '../../base-command.js'
import {aliasedOption, SUBSCRIBER_STATUS_ALIASES} from '../../cli/value-aliases.js'
import {formatPhone} from '../../core/phone.js'
import {filterSubscribers} from '../../core/registry/registry.js'
import {type SubscriberJson, toSubscriberJson} from '../../core/registry/types.js'
import {formatItalianDate} from '../../core/time.js'
import {subscribers as t} from '../../messages/it.js'
import {table} from '../../ui/render.js'

export default class Subscribers extends BaseCommand<typeof Subscribers> {
  static description = t.description
  static examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> --status all --search Rossi',
    '<%= config.bin %> <%= command.id %> --json',
  ]
  static flags = {
    search: Flags.string({description: t.searchFlag}),
    status: aliasedOption(['active', 'ceased', 'all'], SUBSCRIBER_STATUS_ALIASES, {default: 'active', description: t.statusFlag, helpValue: '<stato>'}),
  }
  static summary = t.summary

  async run(): Promise<SubscriberJson[]> {
    const all = await this.folder().readSubscribers()
    const shown = filterSubscribers(all, {search: this.flags.search, status: this.flags.status as 'active' | 'all' | 'ceased'})
    if (!this.jsonEnabled()) {
      if (shown.length === 0) this.log(t.none)
      else {
        this.log(table(
          t.header,
          shown.map(s => [
            formatPhone(s.phone),
            s.name.replaceAll(/\s+/g, ' '),
            t.status[s.status],
            formatItalianDate(s.subscribedAt),
            s.ceasedAt ? formatItalianDate(s.ceasedAt) : '',
            s.approvedBy,
          ]),
        ))
        this.log(t.total(shown.length, all.length))
      }
    }

    return shown.map(s => toSubscriberJson(s))
  }
}
