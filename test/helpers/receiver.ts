/** Runs `webhook serve` as a child process on 127.0.0.1 port 0 and talks to it over real HTTP, as Meta would. */
import {type ChildProcess} from 'node:child_process'
import {createHmac} from 'node:crypto'
import http from 'node:http'

import {spawnCli} from './cli.js'

export const APP_SECRET = 'app-secret-for-tests-7f3a'
export const VERIFY_TOKEN = 'verify-token-for-tests-91c2'

export interface Receiver {
  /** http://127.0.0.1:PORT (no path). */
  base: string
  child: ChildProcess
  /** Resolves when the process ends. */
  exited: Promise<{code: null | number; signal: NodeJS.Signals | null}>
  stderr: () => string
  stdout: () => string
  /** The callback URL the receiver printed. */
  url: string
}

export const receiverEnv = (extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => ({
  WHATSAPP_APP_SECRET: APP_SECRET, WHATSAPP_VERIFY_TOKEN: VERIFY_TOKEN, ...extra,
})

/** Starts the receiver and waits for the URL line on stdout. */
export async function startReceiver(dataDir: string, args: string[] = [], env: NodeJS.ProcessEnv = receiverEnv()): Promise<Receiver> {
  const child = spawnCli(['webhook', 'serve', '--port', '0', ...args], dataDir, {env})
  child.stdin!.end()
  let out = ''
  let err = ''
  child.stderr!.setEncoding('utf8').on('data', d => {
    err += d
  })
  const exited = new Promise<{code: null | number; signal: NodeJS.Signals | null}>(resolve => {
    child.on('exit', (code, signal) => resolve({code, signal}))
  })
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout!.setEncoding('utf8').on('data', d => {
      out += d
      const nl = out.indexOf('\n')
      if (nl !== -1) resolve(out.slice(0, nl))
    })
    exited.then(r => reject(new Error(`receiver exited (${r.code}) before listening:\n${err}`)), () => {})
  })
  return {
    base: new URL(url).origin, child, exited, stderr: () => err, stdout: () => out, url,
  }
}

export function sign(body: Buffer | string, secret = APP_SECRET): string {
  return 'sha256=' + createHmac('sha256', secret).update(body).digest('hex')
}

export interface Reply {
  body: string
  headers: http.IncomingHttpHeaders
  status: number
}

/** One HTTP request; `agent` false opens a fresh connection. */
export function request(
  url: string,
  options: {agent?: false | http.Agent; body?: Buffer | string; headers?: Record<string, string>; method?: string} = {},
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, {agent: options.agent ?? false, headers: options.headers, method: options.method ?? 'GET'}, res => {
      let body = ''
      res.setEncoding('utf8').on('data', d => {
        body += d
      })
      res.on('end', () => resolve({body, headers: res.headers, status: res.statusCode ?? 0}))
      res.on('error', reject)
    })
    req.on('error', reject)
    req.end(options.body)
  })
}

/** A POST signed like Meta signs: HMAC-SHA256 of these exact bytes. */
export function postSigned(url: string, body: Buffer | string, options: {agent?: false | http.Agent; secret?: string} = {}): Promise<Reply> {
  return request(url, {
    agent: options.agent, body, headers: {'Content-Type': 'application/json', 'X-Hub-Signature-256': sign(body, options.secret)}, method: 'POST',
  })
}
