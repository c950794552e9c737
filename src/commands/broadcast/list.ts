import {type BroadcastListItem, listBroadcasts} from '../../app/broadcast.js'
import {BaseCommand} from '../../base-command.js'
import {formatItalian} from '../../core/time.js'
import {deliveryReport as dr} from '../../messages/delivery-report.js'
import {broadcast as t} from '../../messages/it.js'
import {table} from '../../ui/render.js'

export default class BroadcastList extends BaseCommand<typeof BroadcastList> {
  static description = t.list.description
  static examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> --json']
  static summary = t.list.summary

  async run(): Promise<Omit<BroadcastListItem, 'subject'>[]> {
    const runs = await listBroadcasts(this.folder())
    if (!this.jsonEnabled()) {
      if (runs.length === 0) this.log(t.list.none)
      else {
        this.log(table(
          dr.listHeader,
          runs.map(r => [
            r.id,
            r.subject,
            formatItalian(r.startedAt),
            t.list.status(r.status, r.test),
            String(r.recipients),
            String(r.sent),
            String(r.failed),
            String(r.uncertain),
          ]),
        ))
      }
    }

    // The subject is for the screen; the --json shape stays the one scripts rely on (DESIGN §2).
    return runs.map(({subject: _subject, ...run}) => run)
  }
}
