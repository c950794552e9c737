import {Flags} from '@oclif/core'

import {
  assertStoreUsable, configOrDefault, loginEndpoint, type LoginResult, verifyAndStoreToken,
} from '../app/login.js'
import {BaseCommand} from '../base-command.js'
import {CervenoError} from '../core/errors.js'
import {storeSecret} from '../io/credentials.js'
import {login as t} from '../messages/preflight.js'

export default class Login extends BaseCommand<typeof Login> {
  static description = t.description
  static examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> --app-secret']
  static flags = {
    'app-secret': Flags.boolean({description: t.flags.appSecret}),
  }
  static summary = t.summary

  async run(): Promise<LoginResult> {
    const {env} = process
    const name = this.flags['app-secret'] ? 'WHATSAPP_APP_SECRET' : 'WHATSAPP_TOKEN'
    await assertStoreUsable(name, env)
    const endpoint = name === 'WHATSAPP_TOKEN' ? loginEndpoint(env, await configOrDefault(this.folder())) : undefined
    if (this.jsonEnabled() || !process.stdin.isTTY || !process.stdout.isTTY) throw new CervenoError('NO_TTY', {hint: t.noTtyHint})
    const {askSecret} = await import('../ui/secret-prompt.js')
    const secret = await askSecret(endpoint ? t.tokenPrompt : t.appSecretPrompt, t.empty)
    if (!endpoint) {
      await storeSecret('WHATSAPP_APP_SECRET', secret, env)
      this.log(t.appSecretStored)
      return {stored: 'appSecret'}
    }

    this.log(t.checking)
    const result = await verifyAndStoreToken(endpoint, secret, env)
    this.log(t.stored(result))
    return result
  }
}
