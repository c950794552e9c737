import {BaseCommand} from '../base-command.js'
import {deleteSecret, SECRET_NAMES, type SecretName} from '../io/credentials.js'
import {logout as t} from '../messages/preflight.js'

export interface LogoutResult {
  removed: SecretName[]
}

export default class Logout extends BaseCommand<typeof Logout> {
  static description = t.description
  static examples = ['<%= config.bin %> <%= command.id %>']
  static summary = t.summary

  async run(): Promise<LogoutResult> {
    const removed: SecretName[] = []
    for (const name of SECRET_NAMES) if (await deleteSecret(name, process.env)) removed.push(name)
    if (!this.jsonEnabled()) this.log(removed.length > 0 ? t.removed(removed) : t.nothing)
    return {removed}
  }
}
