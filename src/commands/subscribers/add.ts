import {Args, Flags} from '@oclif/core'

import {addAtCounter} from '../../app/subscribers.js'
import {BaseCommand} from '../../base-command.js'
import {formatPhone} from '../../core/phone.js'
import {type SubscriberJson, toSubscriberJson} from '../../core/registry/types.js'
import {common, subscribers as t} from '../../messages/it.js'

export default class SubscribersAdd extends BaseCommand<typeof SubscribersAdd> {
  // Positional: the order of the keys is the order on the command line.
  /* eslint-disable perfectionist/sort-objects */
  static args = {
    phone: Args.string({description: t.add.phoneArg, required: true}),
    name: Args.string({description: t.add.nameArg, required: true}),
  }
  /* eslint-enable perfectionist/sort-objects */
  static description = t.add.description
  static examples = [
    '<%= config.bin %> <%= command.id %> "+39 333 123 4567" Paolo Rossi',
    '<%= config.bin %> <%= command.id %> 3331234567 "Maria D\'Angelo" --operator "Ufficio anagrafe"',
  ]
  static flags = {
    operator: Flags.string({description: common.operatorFlag}),
  }
  static strict = false
  static summary = t.add.summary

  async run(): Promise<SubscriberJson> {
    const name = [this.args.name, ...this.rest].join(' ')
    const result = await addAtCounter(this.folder(), {now: this.now(), operator: this.operator(this.flags.operator)}, {name, phone: this.args.phone})
    for (const f of result.handEdited) this.note(common.handEdited(f))
    const s = result.subscriber
    if (!this.jsonEnabled()) this.log((result.kind === 'added' ? t.add.added : t.add.reactivated)(s.name, formatPhone(s.phone)))
    return toSubscriberJson(s)
  }
}
