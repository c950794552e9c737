import {Args, Flags} from '@oclif/core'

import {ceaseAtCounter} from '../../app/subscribers.js'
import {BaseCommand} from '../../base-command.js'
import {formatPhone} from '../../core/phone.js'
import {type SubscriberJson, toSubscriberJson} from '../../core/registry/types.js'
import {common, subscribers as t} from '../../messages/it.js'

export default class SubscribersRemove extends BaseCommand<typeof SubscribersRemove> {
  static args = {
    phone: Args.string({description: t.remove.phoneArg, required: true}),
  }
  static description = t.remove.description
  static examples = ['<%= config.bin %> <%= command.id %> "+39 333 123 4567"']
  static flags = {
    operator: Flags.string({description: common.operatorFlag}),
  }
  static summary = t.remove.summary

  async run(): Promise<SubscriberJson> {
    const result = await ceaseAtCounter(this.folder(), {now: this.now(), operator: this.operator(this.flags.operator)}, {phone: this.args.phone})
    for (const f of result.handEdited) this.note(common.handEdited(f))
    if (!this.jsonEnabled()) this.log(t.remove.removed(result.subscriber.name, formatPhone(result.subscriber.phone)))
    return toSubscriberJson(result.subscriber)
  }
}
