import {strict as assert} from 'node:assert'
import {createHash} from 'node:crypto'
import {readFileSync, renameSync, writeFileSync} from 'node:fs'
import path from 'node:path'

import {
  freshDataDir, runCli, runJson, spawnCli,
} from '../helpers/cli.js'
import {
  FAKE_TOKEN, type FakeCloudApi, startFakeCloudApi,
} from '../helpers/fake-cloud-api.js'
import {pdfBytes} from '../helpers/media-files.js'
import {
  acceptedCounts, apiEnv, assertSecretAbsent, journal, runIds, seedSubscribers, writeNotice,
} from './broadcast.helpers.js'

interface Message {
  template: {components: Array<{parameters: Array<Record<string, unknown>>; type: string}>}
}

function headerOf(body: unknown): Record<string, unknown> | undefined {
  return (body as Message).template.components.find(c => c.type === 'header')?.parameters[0]
}

describe('broadcast --attach (CLI against the stand-in API)', function () {
  this.timeout(180_000)
  let dataDir: string
  let root: string
  let cleanup: () => void
  let fake: FakeCloudApi

  beforeEach(async () => {
    ({cleanup, dataDir, root} = await freshDataDir())
    fake = await startFakeCloudApi()
  })

  afterEach(async () => {
    await fake.close()
    cleanup()
  })

  it('a PDF: exactly one upload before the first message, every message carries its id and file name', async () => {
    const phones = seedSubscribers(dataDir, 12)
    const pdf = path.join(root, 'ordinanza.pdf')
    writeFileSync(pdf, pdfBytes())
    const r = await runJson<{id: string; sent: number}>(['broadcast', '--file', writeNotice(root), '--attach', pdf, '--yes'], dataDir, {env: apiEnv(fake)})
    assert.equal(r.code, 0, r.stderr)
    assert.equal(r.json.sent, 12)
    assert.equal(fake.uploads.length, 1)
    const [upload] = fake.uploads
    assert.deepEqual(
      [upload.type, upload.fileName, upload.fileContentType, upload.sha256],
      ['application/pdf', 'ordinanza.pdf', 'application/pdf', createHash('sha256').update(pdfBytes()).digest('hex')],
    )
    const messages = fake.requests.filter(q => q.path.endsWith('/messages'))
    assert.ok(upload.n < Math.min(...messages.map(m => m.n)), 'the upload comes first')
    for (const m of messages) {
      assert.deepEqual(headerOf(m.body), {document: {filename: 'ordinanza.pdf', id: upload.id}, type: 'document'})
    }

    assert.deepEqual([...acceptedCounts(fake).keys()].sort(), [...phones].sort())
    const lines = journal(dataDir, r.json.id)
    const mediaAt = lines.findIndex(l => l.type === 'media')
    assert.ok(mediaAt !== -1 && mediaAt < lines.findIndex(l => l.type === 'intent'), 'media id recorded before the first intent')
    assert.equal(lines[mediaAt].id, upload.id)
    assert.equal(lines[mediaAt].sha256, upload.sha256)
    assertSecretAbsent(FAKE_TOKEN, dataDir, [r.stdout, r.stderr])
  })

  it('--dry-run uploads nothing and shows the payload with a placeholder id and what is attached', async () => {
    seedSubscribers(dataDir, 2)
    const pdf = path.join(root, 'ordinanza.pdf')
    writeFileSync(pdf, pdfBytes())
    const r = await runCli(['broadcast', '--file', writeNotice(root), '--attach', pdf, '--dry-run', '--verbose'], dataDir, {env: apiEnv(fake)})
    assert.equal(r.code, 0, r.stderr)
    assert.equal(fake.requests.length, 0)
    assert.match(r.stdout, /"id": "\{MEDIA_ID\}"/)
    assert.match(r.stdout, /"filename": "ordinanza.pdf"/)
    assert.match(r.stdout, /Allegato \(intestazione del modello\): documento PDF "ordinanza.pdf", 77 byte/)
    assert.equal(pdfBytes().length, 77)
  })

  it('a file that is neither JPEG, PNG nor PDF is refused before any request, whatever its name', async () => {
    seedSubscribers(dataDir, 2)
    const fake2 = path.join(root, 'ordinanza.pdf')
    writeFileSync(fake2, 'Questo non è un PDF')
    const r = await runJson(['broadcast', '--file', writeNotice(root), '--attach', fake2, '--yes'], dataDir, {env: apiEnv(fake)})
    assert.equal(r.code, 3, r.stdout)
    assert.equal((r.json as {error: {code: string}}).error.code, 'ATTACHMENT_INVALID')
    assert.equal(fake.requests.length, 0)
    assert.deepEqual(runIds(dataDir), [])
  })

  it('SIGKILL after the upload, then --resume: no second upload, nobody twice, the same id', async () => {
    const phones = seedSubscribers(dataDir, 60)
    const pdf = path.join(root, 'ordinanza.pdf')
    writeFileSync(pdf, pdfBytes())
    fake.configure({latencyMs: r => (r.path.endsWith('/messages') ? 200 : 0)})
    const child = spawnCli(['broadcast', '--file', writeNotice(root), '--attach', pdf, '--yes', '--rate', '20'], dataDir, {env: apiEnv(fake)})
    const exited = new Promise<void>(resolve => {
      child.on('exit', () => resolve())
    })
    for (let i = 0; i < 600 && fake.requests.filter(q => q.path.endsWith('/messages')).length < 5; i++) {
      await new Promise(resolve => {
        setTimeout(resolve, 50)
      })
    }

    child.kill('SIGKILL')
    await exited
    assert.equal(fake.uploads.length, 1)
    const before = fake.requests.length
    assert.ok(before > 5 && acceptedCounts(fake).size < 60, `killed mid-run (${acceptedCounts(fake).size} accepted)`)
    const [id] = runIds(dataDir)
    fake.configure({latencyMs: 0})
    const r = await runJson<{sent: number}>(['broadcast', '--resume', id, '--yes'], dataDir, {env: apiEnv(fake)})
    assert.ok(r.code === 0 || r.code === 7, r.stderr)
    assert.equal(fake.uploads.length, 1, 'no second upload')
    for (const m of fake.requests.slice(before)) {
      assert.equal((headerOf(m.body)?.document as {id: string}).id, fake.uploads[0].id)
    }

    const counts = acceptedCounts(fake)
    for (const phone of phones) assert.ok((counts.get(phone) ?? 0) <= 1, `${phone} twice`)
  })

  /** A run stopped by a refused token right after its upload; its media line then dated 31 days ago. */
  async function stoppedRunWithOldUpload(pdf: string): Promise<string> {
    fake.configure({hook: r => (r.path.endsWith('/messages') ? {body: {error: {code: 190, message: 'expired', type: 'OAuthException'}}, status: 401} : undefined)})
    const first = await runJson(['broadcast', '--file', writeNotice(root), '--attach', pdf, '--yes'], dataDir, {env: apiEnv(fake)})
    assert.equal(first.code, 5, first.stdout)
    assert.equal(fake.uploads.length, 1)
    const [id] = runIds(dataDir)
    const file = path.join(dataDir, 'invii', id, 'giornale.jsonl')
    const old = new Date(Date.now() - 31 * 24 * 3_600_000).toISOString()
    writeFileSync(file, readFileSync(file, 'utf8').split('\n').map(l => (l.includes('"type":"media"') ? JSON.stringify({...JSON.parse(l), at: old}) : l)).join('\n'))
    return id
  }

  it('a media id recorded 31 days ago is uploaded again on resume, recorded, and used', async () => {
    seedSubscribers(dataDir, 4)
    const pdf = path.join(root, 'ordinanza.pdf')
    writeFileSync(pdf, pdfBytes())
    const id = await stoppedRunWithOldUpload(pdf)
    fake.configure({hook: undefined})
    const r = await runJson<{sent: number}>(['broadcast', '--resume', id, '--yes'], dataDir, {env: apiEnv(fake)})
    assert.equal(r.code, 0, r.stderr)
    assert.equal(r.json.sent, 4)
    assert.equal(fake.uploads.length, 2, 'uploaded again')
    const media = journal(dataDir, id).filter(l => l.type === 'media')
    assert.deepEqual(media.map(m => m.id), fake.uploads.map(u => u.id))
    for (const m of fake.accepted()) assert.equal((headerOf(m.body)?.document as {id: string}).id, fake.uploads[1].id)
  })

  it('resume needing a new upload: a moved file is asked for with --attach, a changed one refused', async () => {
    seedSubscribers(dataDir, 3)
    const pdf = path.join(root, 'ordinanza.pdf')
    writeFileSync(pdf, pdfBytes())
    const id = await stoppedRunWithOldUpload(pdf)
    fake.configure({hook: undefined})
    const moved = path.join(root, 'archivio.pdf')
    renameSync(pdf, moved)
    const before = fake.requests.length
    const gone = await runJson(['broadcast', '--resume', id, '--yes'], dataDir, {env: apiEnv(fake)})
    assert.equal(gone.code, 3, gone.stdout)
    assert.match((gone.json as {error: {message: string}}).error.message, /--resume \S+ --attach <file>/)
    const changed = path.join(root, 'altro.pdf')
    writeFileSync(changed, Buffer.concat([pdfBytes(), Buffer.from('%% aggiunta\n')]))
    const other = await runJson(['broadcast', '--resume', id, '--attach', changed, '--yes'], dataDir, {env: apiEnv(fake)})
    assert.equal(other.code, 3, other.stdout)
    assert.match((other.json as {error: {message: string}}).error.message, /non è più quello caricato/)
    assert.equal(fake.requests.length, before, 'nothing sent while refusing')
    const r = await runJson<{sent: number}>(['broadcast', '--resume', id, '--attach', moved, '--yes'], dataDir, {env: apiEnv(fake)})
    assert.equal(r.code, 0, r.stdout)
    assert.equal(r.json.sent, 3)
    assert.equal(fake.uploads.length, 2)
    assert.equal(fake.uploads[1].fileName, 'ordinanza.pdf', 'the citizen sees the name the run began with')
  })
})
