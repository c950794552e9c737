import {Args, Flags} from '@oclif/core'

import {eraseWithTombstones} from '../../app/erasure-tombstones.js'
import {type PersonErasure} from '../../app/privacy.js'
import {BaseCommand} from '../../base-command.js'
import {CervenoError, EXIT} from '../../core/errors.js'
import {formatPhone, normalizePhone} from '../../core/phone.js'
import {common, errors, privacy as t} from '../../messages/it.js'

export default class PrivacyErase extends BaseCommand<typeof PrivacyErase> {
  static args = {
    phone: Args.string({description: t.phoneArg, required: true}),
  }
  static description = t.erase.description
  static examples = [
    '<%= config.bin %> <%= command.id %> "+39 333 123 4567"',
    '<%= config.bin %> <%= command.id %> 3331234567 --yes --operator "Ufficio protocollo"',
  ]
  static flags = {
    operator: Flags.string({description: common.operatorFlag}),
    yes: Flags.boolean({char: 'y', description: t.erase.flags.yes}),
  }
  static summary = t.erase.summary

  async run(): Promise<PersonErasure> {
    const folder = this.folder()
    const {config} = await folder.config()
    const phone = normalizePhone(this.args.phone, config.defaultCountry)
    const ctx = {now: this.now(), operator: this.operator(this.flags.operator)}
    if (!this.flags.yes) {
      if (this.jsonEnabled() || !process.stdin.isTTY || !process.stdout.isTTY) throw new CervenoError('NO_TTY', {hint: t.erase.noTtyHint})
      const plan = await eraseWithTombstones(folder, ctx, phone, false)
      if (plan.files.length === 0 && plan.uncleanable.length === 0) {
        this.log(t.erase.nothing(formatPhone(phone)))
        return plan
      }

      this.log(t.erase.plan(formatPhone(phone), plan.name, plan))
      const {confirm} = await import('../../ui/prompts.js')
      if (!(await confirm({default: false, message: t.erase.confirm}))) throw new CervenoError('CANCELLED')
    }

    const result = await eraseWithTombstones(folder, ctx, phone, true)
    const stuck = [...new Set([...result.residues.filter(r => r.phone).map(r => r.file), ...result.uncleanable])]
    if (!this.jsonEnabled()) {
      this.log(result.erasureId === null ? t.erase.nothing(formatPhone(phone)) : t.erase.done(result.erasureId, result))
      const namesakes = result.residues.filter(r => r.name && !r.phone && !result.uncleanable.includes(r.file)).map(r => r.file)
      if (namesakes.length > 0) this.log(t.erase.nameLeft(namesakes))
    }

    if (stuck.length > 0) {
      process.exitCode = EXIT.partial
      this.note(errors.ERASURE_INCOMPLETE({count: stuck.length, files: stuck.join(', ')}))
    }

    return result
  }
}
