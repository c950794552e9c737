import {Flags} from '@oclif/core'

import {
  assertReleasable, findLocks, type HeldLock, releaseLocks,
} from '../app/unlock.js'
import {BaseCommand} from '../base-command.js'
import {CervenoError} from '../core/errors.js'
import {common} from '../messages/it.js'
import {unlock as t} from '../messages/locks.js'

export interface UnlockResult {
  released: HeldLock[]
}

export default class Unlock extends BaseCommand<typeof Unlock> {
  static description = t.description
  static examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> --yes --operator "Ufficio protocollo"',
  ]
  static flags = {
    operator: Flags.string({description: common.operatorFlag}),
    yes: Flags.boolean({char: 'y', description: t.flags.yes}),
  }
  static summary = t.summary

  async run(): Promise<UnlockResult> {
    const folder = this.folder()
    await folder.assertInitialized()
    const found = await findLocks(folder)
    if (found.length === 0) {
      if (!this.jsonEnabled()) this.log(t.none)
      return {released: []}
    }

    if (!this.jsonEnabled()) for (const f of found) this.log(t.line(f.view))
    for (const f of found) assertReleasable(f)
    if (!this.flags.yes) {
      if (this.jsonEnabled() || !process.stdin.isTTY || !process.stdout.isTTY) throw new CervenoError('NO_TTY', {hint: t.noTtyHint})
      const {confirm} = await import('@inquirer/prompts')
      if (!(await confirm({default: false, message: t.confirm}))) throw new CervenoError('CANCELLED')
    }

    const released = await releaseLocks(folder, {now: this.now(), operator: this.operator(this.flags.operator)}, found)
    if (!this.jsonEnabled()) this.log(t.released(released.length))
    return {released}
  }
}
