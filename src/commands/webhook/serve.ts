import {Flags} from '@oclif/core'

import {serveWebhooks} from '../../app/webhook-serve.js'
import {BaseCommand} from '../../base-command.js'
import {webhookServe as t} from '../../messages/webhook.js'

export default class WebhookServe extends BaseCommand<typeof WebhookServe> {
  static description = t.description
  static examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> --host 127.0.0.1 --port 8080 --path /webhook',
  ]
  static flags = {
    'body-timeout': Flags.integer({
      default: 30, description: t.flags.bodyTimeout, hidden: true, min: 1,
    }),
    'headers-timeout': Flags.integer({
      default: 10, description: t.flags.headersTimeout, hidden: true, min: 1,
    }),
    host: Flags.string({default: '127.0.0.1', description: t.flags.host}),
    path: Flags.string({default: '/webhook', description: t.flags.path}),
    port: Flags.integer({
      default: 8080, description: t.flags.port, max: 65_535, min: 0,
    }),
  }
  static summary = t.summary

  /** Prints the URL it listens on (stdout; a JSON document under --json), logs on stderr; returns on SIGINT/SIGTERM. */
  async run(): Promise<void> {
    const f = this.flags
    const stopSignal = new Promise(resolve => {
      process.once('SIGINT', resolve)
      process.once('SIGTERM', resolve)
    })
    await serveWebhooks(
      this.folder(),
      {
        bodyTimeoutMs: f['body-timeout'] * 1000,
        headersTimeoutMs: f['headers-timeout'] * 1000,
        host: f.host,
        path: f.path.startsWith('/') ? f.path : `/${f.path}`,
        port: f.port,
      },
      {
        log: line => process.stderr.write(line + '\n'),
        ready: url => process.stdout.write(this.jsonEnabled() ? JSON.stringify({url}) + '\n' : url + '\n'),
        stopSignal,
      },
    )
  }
}
