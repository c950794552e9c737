/**
 * `webhook serve`: checks the secrets and the data folder, opens the inbox (repairing a torn last line), runs the
 * receiver until SIGINT/SIGTERM, then drains it. Takes no data-folder lock and writes nothing but the inbox.
 */
import path from 'node:path'

import {CervenoError} from '../core/errors.js'
import {type DataFolder} from '../io/data-folder.js'
import {InboxWriter} from '../io/inbox-writer.js'
import {INBOX_DIR} from '../io/webhook-inbox.js'
import {readAppSecret, readVerifyToken} from '../io/webhook-secrets.js'
import {type ReceiverStats, WebhookServer} from '../io/webhook-server.js'
import {webhookServe as t} from '../messages/webhook.js'

export interface ServeOptions {
  bodyTimeoutMs?: number
  headersTimeoutMs?: number
  host: string
  path: string
  port: number
}

export interface ServeHooks {
  /** A line for the operator (stderr): start, stop, counts. Never anything a citizen sent. */
  log: (line: string) => void
  /** Called once listening, with the URL really bound. */
  ready: (url: string) => void
  /** Resolves when the receiver should stop (a signal). */
  stopSignal: Promise<unknown>
}

/** Both secrets, or CONFIG_MISSING (exit 6) naming each one missing and where it comes from. */
export async function webhookSecrets(env: NodeJS.ProcessEnv = process.env): Promise<{appSecret: string; verifyToken: string}> {
  const appSecret = await readAppSecret(env)
  const verifyToken = await readVerifyToken(env)
  if (appSecret === undefined || verifyToken === undefined) {
    const missing = [appSecret === undefined ? 'WHATSAPP_APP_SECRET' : '', verifyToken === undefined ? 'WHATSAPP_VERIFY_TOKEN' : ''].filter(Boolean)
    throw new CervenoError('CONFIG_MISSING', {hint: t.secretsHint(missing), name: missing.join(', ')})
  }

  return {appSecret, verifyToken}
}

function bracketed(host: string): string {
  return host.includes(':') ? `[${host}]` : host
}

/** Runs the receiver until hooks.stopSignal resolves; returns the session's counts. */
export async function serveWebhooks(folder: DataFolder, options: ServeOptions, hooks: ServeHooks): Promise<ReceiverStats> {
  const secrets = await webhookSecrets()
  await folder.assertInitialized()
  const inbox = new InboxWriter(path.join(folder.dir, INBOX_DIR))
  const repaired = await inbox.open()
  if (repaired > 0) hooks.log(t.log.repaired(repaired))
  const server = new WebhookServer({
    ...secrets,
    bodyTimeoutMs: options.bodyTimeoutMs,
    headersTimeoutMs: options.headersTimeoutMs,
    host: options.host,
    inbox,
    onWriteError: code => hooks.log(t.log.writeError(code)),
    path: options.path,
    port: options.port,
  })
  const {host, port} = await server.listen()
  const url = `http://${bracketed(host)}:${port}${options.path}`
  hooks.ready(url)
  hooks.log(t.log.started(url, path.join(folder.dir, INBOX_DIR)))
  let last = ''
  const minute = setInterval(() => {
    const line = t.log.minute(server.stats, server.stats.inboxBytes)
    if (line !== last) hooks.log(line)
    last = line
  }, 60_000)
  minute.unref()
  try {
    await hooks.stopSignal
    hooks.log(t.log.stopping)
    await server.stop()
    await inbox.close()
  } finally {
    clearInterval(minute)
  }

  hooks.log(t.log.stopped(server.stats))
  return server.stats
}
