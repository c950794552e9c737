import {strict as assert} from 'node:assert'
import {
  existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync,
} from 'node:fs'
import net from 'node:net'
import path from 'node:path'

import {freshDataDir, runCli, runJson} from '../helpers/cli.js'
import {
  APP_SECRET, postSigned, type Receiver, request, sign, startReceiver, VERIFY_TOKEN,
} from '../helpers/receiver.js'
import {inboundEnvelope} from '../helpers/webhooks.js'

interface ImportJson {
  deliveryStatuses: {duplicates: number; stored: number}
  files: {format: string; messages: number; path: string; requests: number}[]
  newRequests: number
  statuses: number
  warnings: string[]
}

interface Req {
  id: string
  name: null | string
  phone: null | string
  source: string
}

function inboxText(dataDir: string): string {
  const dir = path.join(dataDir, 'webhook')
  if (!existsSync(dir)) return ''
  return readdirSync(dir).sort().map(n => readFileSync(path.join(dir, n), 'utf8')).join('')
}

function inboxLines(dataDir: string): string[] {
  return inboxText(dataDir).split('\n').filter(l => l !== '')
}

/** Every file under the data folder, as text. */
function allFiles(dir: string): string {
  let text = ''
  for (const name of readdirSync(dir)) {
    const p = path.join(dir, name)
    text += statSync(p).isDirectory() ? allFiles(p) : readFileSync(p, 'utf8')
  }

  return text
}

/** A text message as Meta serialises it: non-ASCII escaped as lowercase \uXXXX. */
function metaBytes(payload: unknown): string {
  return JSON.stringify(payload).replaceAll(/[\u0080-\uFFFF]/g, c => '\\u' + c.codePointAt(0)!.toString(16).padStart(4, '0'))
}

describe('webhook serve (CLI, real HTTP on 127.0.0.1)', () => {
  let dataDir: string
  let cleanup: () => void
  let rx: Receiver

  before(async () => {
    ({cleanup, dataDir} = await freshDataDir())
    rx = await startReceiver(dataDir)
  })

  after(async () => {
    if (rx.child.exitCode === null) rx.child.kill('SIGKILL')
    cleanup()
  })

  it('without the secrets: exit 6, naming each variable and where it comes from', async () => {
    const none = await runCli(['webhook', 'serve', '--port', '0'], dataDir)
    assert.equal(none.code, 6)
    assert.match(none.stderr, /WHATSAPP_APP_SECRET.*Impostazioni → Di base/s)
    assert.match(none.stderr, /WHATSAPP_VERIFY_TOKEN.*Token di verifica/s)
    const one = await runJson<{error: {code: string; message: string}}>(['webhook', 'serve', '--port', '0'], dataDir, {env: {WHATSAPP_APP_SECRET: APP_SECRET}})
    assert.equal(one.code, 6)
    assert.equal(one.json.error.code, 'CONFIG_MISSING')
    assert.match(one.json.error.message, /WHATSAPP_VERIFY_TOKEN/)
    assert.doesNotMatch(one.json.error.message, /WHATSAPP_APP_SECRET/)
    assert.ok(!one.stdout.includes(APP_SECRET) && !one.stderr.includes(APP_SECRET))
  })

  it('prints the URL it listens on, with the real port; a port already taken is exit 6', async () => {
    assert.match(rx.url, /^http:\/\/127\.0\.0\.1:\d+\/webhook$/)
    const {port} = new URL(rx.url)
    assert.notEqual(port, '0')
    const taken = await runJson<{error: {code: string}}>(['webhook', 'serve', '--port', port], dataDir, {env: {WHATSAPP_APP_SECRET: APP_SECRET, WHATSAPP_VERIFY_TOKEN: VERIFY_TOKEN}})
    assert.equal(taken.code, 6)
    assert.equal(taken.json.error.code, 'PORT_UNAVAILABLE')
  })

  it('handshake: the challenge with the right verify token, 403 with a wrong one or another mode', async () => {
    const ok = await request(`${rx.url}?hub.mode=subscribe&hub.verify_token=${VERIFY_TOKEN}&hub.challenge=1158201444`)
    assert.deepEqual([ok.status, ok.body], [200, '1158201444'])
    const wrong = await request(`${rx.url}?hub.mode=subscribe&hub.verify_token=${VERIFY_TOKEN}x&hub.challenge=1158201444`)
    assert.deepEqual([wrong.status, wrong.body], [403, ''])
    const mode = await request(`${rx.url}?hub.mode=unsubscribe&hub.verify_token=${VERIFY_TOKEN}&hub.challenge=1`)
    assert.equal(mode.status, 403)
  })

  it('signatures: only the HMAC of the exact bytes with the app secret is stored', async () => {
    const before = inboxLines(dataDir).length
    const body = JSON.stringify(inboundEnvelope([{
      body: 'Servizio Info ON Paolo Rossi', from: '393331110001', id: 'wamid.SIG1', ts: 1_760_000_000,
    }]))
    const changed = body.replace('Paolo', 'Paolx')
    const bad: Array<[string, Record<string, string>, string]> = [
      ['missing', {}, body],
      ['malformed', {'X-Hub-Signature-256': 'sha256=xyz'}, body],
      ['sha1', {'X-Hub-Signature-256': sign(body).replace('sha256', 'sha1')}, body],
      ['wrong secret', {'X-Hub-Signature-256': sign(body, 'another-secret')}, body],
      ['one byte changed', {'X-Hub-Signature-256': sign(body)}, changed],
    ]
    for (const [what, headers, sent] of bad) {
      const r = await request(rx.url, {body: sent, headers, method: 'POST'})
      assert.equal(r.status, 401, what)
    }

    assert.equal(inboxLines(dataDir).length, before, 'nothing stored for a bad signature')
    const good = await postSigned(rx.url, body)
    assert.equal(good.status, 200)
    const lines = inboxLines(dataDir)
    assert.equal(lines.length, before + 1)
    assert.equal(lines.at(-1), body, 'the line is the signed body, byte for byte')
  })

  it('accented names sent as \\u00e9 escapes, signed over those bytes: accepted, kept escaped, imported as "é"', async () => {
    const body = metaBytes(inboundEnvelope([{
      body: 'Servizio Info ON René Müller-Nicolò', from: '393331110002', id: 'wamid.ACC1', name: 'René', ts: 1_760_000_100,
    }]))
    assert.match(body, /Ren\\u00e9 M\\u00fcller-Nicol\\u00f2/)
    const r = await postSigned(rx.url, body)
    assert.equal(r.status, 200)
    assert.equal(inboxLines(dataDir).at(-1), body)
    const imported = await runJson<ImportJson>(['import'], dataDir)
    assert.equal(imported.code, 0, imported.stderr)
    const requests = await runJson<Req[]>(['requests'], dataDir)
    const rene = requests.json.find(q => q.source === 'wamid.ACC1')
    assert.equal(rene?.name, 'René Müller-Nicolò')
  })

  it('413 over 3 MB, 400 for signed bytes that are not a JSON object, 404 elsewhere, 405 for other methods', async () => {
    const before = inboxLines(dataDir).length
    const huge = '{"pad":"' + 'x'.repeat(3 * 1024 * 1024) + '"}'
    assert.equal((await postSigned(rx.url, huge)).status, 413)
    for (const body of ['not json', '{"entry": [', '[1,2]', '"text"', Buffer.from([0x7B, 0x22, 0xFF, 0x22, 0x3A, 0x31, 0x7D])]) {
      assert.equal((await postSigned(rx.url, body)).status, 400, String(body))
    }

    assert.equal((await postSigned(`${rx.base}/altro`, '{}')).status, 404)
    assert.equal((await request(`${rx.base}/`)).status, 404)
    const put = await request(rx.url, {body: '{}', method: 'PUT'})
    assert.equal(put.status, 405)
    assert.equal(put.headers.allow, 'GET, POST')
    assert.equal((await request(`${rx.base}/healthz`, {body: '{}', method: 'POST'})).status, 405)
    assert.equal(inboxLines(dataDir).length, before)
  })

  it('a batch with several entries, changes, messages and statuses is kept whole and imported whole', async () => {
    const value = (i: number) => ({
      contacts: [{profile: {name: `A${i}`}, wa_id: `39333222000${i}`}, {profile: {name: `B${i}`}, wa_id: `39333222100${i}`}],
      messages: [
        {
          from: `39333222000${i}`, id: `wamid.B${i}a`, text: {body: `Servizio Info ON Anna ${i}`}, timestamp: '1760000200', type: 'text',
        },
        {
          from: `39333222100${i}`, id: `wamid.B${i}b`, text: {body: `Servizio Info ON Bruno ${i}`}, timestamp: '1760000201', type: 'text',
        },
      ],
      messaging_product: 'whatsapp',
      metadata: {display_phone_number: '393316509570', phone_number_id: '106540352242922'},
      statuses: [
        {
          id: `wamid.S${i}`, recipient_id: '393330000000', status: 'delivered', timestamp: '1760000202',
        },
      ],
    })
    const payload = {
      entry: [
        {changes: [{field: 'messages', value: value(1)}, {field: 'messages', value: value(2)}], id: '1'},
        {changes: [{field: 'messages', value: value(3)}], id: '2'},
      ],
      object: 'whatsapp_business_account',
    }
    const body = JSON.stringify(payload, null, 2)
    assert.equal((await postSigned(rx.url, body)).status, 200)
    assert.deepEqual(JSON.parse(inboxLines(dataDir).at(-1)!), payload, 'pretty JSON becomes one line, the same value')
    const imported = await runJson<ImportJson>(['import'], dataDir)
    assert.equal(imported.code, 0, imported.stderr)
    assert.equal(imported.json.newRequests, 6)
    assert.equal(imported.json.statuses, 3)
    const sources = new Set((await runJson<Req[]>(['requests'], dataDir)).json.map(q => q.source))
    for (const i of [1, 2, 3]) for (const x of ['a', 'b']) assert.ok(sources.has(`wamid.B${i}${x}`), `wamid.B${i}${x}`)
  })

  it('/healthz gives counts only; SIGTERM drains and exits 0; no secret, phone, name or text in output or files', async () => {
    const health = await request(`${rx.base}/healthz`)
    assert.equal(health.status, 200)
    const counts = JSON.parse(health.body)
    assert.equal(counts.received, 3)
    assert.equal(counts.rejected.signature, 5)
    assert.equal(counts.rejected.notJson, 5)
    assert.equal(counts.rejected.tooLarge, 1)
    assert.equal(counts.rejected.verify, 2)
    assert.ok(counts.inboxBytes > 0)
    assert.match(counts.lastReceivedAt, /^\d{4}-\d{2}-\d{2}T/)
    assert.doesNotMatch(health.body, /3933|Paolo|Ren|Servizio/)

    rx.child.kill('SIGTERM')
    const end = await rx.exited
    assert.equal(end.code, 0)
    const output = rx.stdout() + rx.stderr()
    assert.match(rx.stderr(), /fermato/)
    assert.doesNotMatch(output, /3933|Paolo|Ren|Servizio|Anna|Bruno/)
    for (const secret of [APP_SECRET, VERIFY_TOKEN]) {
      assert.ok(!output.includes(secret))
      assert.ok(!allFiles(dataDir).includes(secret))
    }
  })

  it('a client that sends its headers or body too slowly is cut off (header and body timeouts)', async () => {
    const slow = await startReceiver(dataDir, ['--headers-timeout', '1', '--body-timeout', '2'])
    const {port} = new URL(slow.url)
    const cutOff = (first: string) => new Promise<string>((resolve, reject) => {
      const socket = net.connect(Number(port), '127.0.0.1', () => socket.write(first))
      let got = ''
      socket.setEncoding('utf8').on('data', d => {
        got += d
      })
      socket.on('close', () => resolve(got))
      socket.on('error', reject)
    })
    try {
      // Headers never finished; then headers with a body that never comes.
      assert.match(await cutOff('POST /webhook HTTP/1.1\r\nHost: x\r\n'), /^HTTP\/1\.1 408/)
      const body = await cutOff('POST /webhook HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\nX-Hub-Signature-256: sha256=00\r\n\r\n{"a":')
      assert.match(body, /^HTTP\/1\.1 408/)
    } finally {
      slow.child.kill('SIGTERM')
      assert.equal((await slow.exited).code, 0)
    }
  })

  it('a torn last line is skipped by import and cut when the receiver starts again', async () => {
    const dir = path.join(dataDir, 'webhook')
    mkdirSync(dir, {recursive: true})
    const file = path.join(dir, readdirSync(dir).sort().at(-1)!)
    const whole = readFileSync(file, 'utf8')
    const torn = JSON.stringify(inboundEnvelope([{
      body: 'Servizio Info ON Torn', from: '393331119999', id: 'wamid.TORN', ts: 1_760_000_300,
    }])).slice(0, 150)
    writeFileSync(file, whole + torn)
    const imported = await runJson<ImportJson>(['import'], dataDir)
    assert.equal(imported.code, 0, imported.stderr)
    assert.deepEqual(imported.json.files.map(f => f.messages), [0], 'the torn line is not read')
    assert.equal(imported.json.newRequests, 0)
    const again = await startReceiver(dataDir)
    again.child.kill('SIGTERM')
    assert.equal((await again.exited).code, 0)
    assert.equal(readFileSync(file, 'utf8'), whole)
    assert.match(again.stderr(), /incomplet/)

    // A line edited by hand into something that is not JSON is skipped with a warning; the next line is imported.
    const good = JSON.stringify(inboundEnvelope([{
      body: 'Servizio Info ON Dopo', from: '393331118888', id: 'wamid.AFTER', ts: 1_760_000_400,
    }]))
    writeFileSync(file, whole + 'non è json\n' + good + '\n')
    const skipped = await runJson<ImportJson>(['import'], dataDir)
    assert.equal(skipped.json.newRequests, 1)
    const line = whole.split('\n').length
    assert.deepEqual(skipped.json.warnings, [`inbox-line-skipped:${path.basename(file)}:${line}`])
  })
})
