import {strict as assert} from 'node:assert'
import {mkdirSync, writeFileSync} from 'node:fs'
import path from 'node:path'

import {freshDataDir, runCli, runJson} from '../helpers/cli.js'
import {
  FAKE_WABA_ID, type FakeCloudApi, fakeTemplate, startFakeCloudApi,
} from '../helpers/fake-cloud-api.js'
import {pdfBytes, pngBytes} from '../helpers/media-files.js'
import {
  acceptedCounts, apiEnv, runIds, seedSubscribers, writeNotice,
} from './broadcast.helpers.js'

const TITLED = fakeTemplate({
  components: [
    {format: 'TEXT', text: '{{1}}', type: 'HEADER'},
    {text: 'Avviso ai cittadini iscritti: {{1}}', type: 'BODY'},
  ],
})
const WITH_DOCUMENT = fakeTemplate({components: [{format: 'DOCUMENT', type: 'HEADER'}, {text: 'Avviso: {{1}}', type: 'BODY'}]})
const WITHOUT_HEADER = fakeTemplate({components: [{text: 'Avviso: {{1}}', type: 'BODY'}]})

/** The definition as if read from Meta a minute ago: the CLI then needs no request to know it. */
function cacheDefinition(dataDir: string, definition: Record<string, unknown>): void {
  const dir = path.join(dataDir, 'cache', 'modelli')
  mkdirSync(dir, {recursive: true})
  writeFileSync(
    path.join(dir, 'avviso_servizio_info.it.json'),
    JSON.stringify({definition, fetchedAt: new Date(Date.now() - 60_000).toISOString(), schemaVersion: 1}),
  )
}

interface Component {
  parameters: Array<Record<string, unknown>>
  type: string
}

const componentsOf = (body: unknown) => (body as {template: {components: Component[]}}).template.components

describe('broadcast: the template header from the notice and --attach (CLI against the stand-in API)', function () {
  this.timeout(180_000)
  let dataDir: string
  let root: string
  let cleanup: () => void
  let fake: FakeCloudApi
  let env: NodeJS.ProcessEnv

  beforeEach(async () => {
    ({cleanup, dataDir, root} = await freshDataDir())
    seedSubscribers(dataDir, 3)
  })

  afterEach(async () => {
    await fake.close()
    cleanup()
  })

  async function start(definition: Record<string, unknown>): Promise<void> {
    fake = await startFakeCloudApi({templateDefinitions: [definition]})
    env = {...apiEnv(fake), WHATSAPP_BUSINESS_ACCOUNT_ID: FAKE_WABA_ID}
  }

  it('a notice with a title fills the header with its first line and the body with the rest', async () => {
    await start(TITLED)
    const notice = writeNotice(root, '\nSospensione acqua potabile  18 marzo\n\nMartedì 18 marzo dalle 8:30\nin Via Roma.\n')
    const r = await runJson<{sent: number}>(['broadcast', '--file', notice, '--yes'], dataDir, {env})
    assert.equal(r.code, 0, r.stdout + r.stderr)
    assert.equal(r.json.sent, 3)
    assert.equal(fake.accepted().length, 3)
    for (const m of fake.accepted()) {
      assert.deepEqual(componentsOf(m.body), [
        {parameters: [{text: 'Sospensione acqua potabile 18 marzo', type: 'text'}], type: 'header'},
        {parameters: [{text: 'Martedì 18 marzo dalle 8:30 in Via Roma.', type: 'text'}], type: 'body'},
      ])
    }
  })

  it('a 61-character title is refused before any request, with its line and length', async () => {
    await start(TITLED)
    cacheDefinition(dataDir, TITLED)
    const title = 'A'.repeat(61)
    const r = await runJson(['broadcast', '--file', writeNotice(root, `\n${title}\nIl testo.\n`), '--yes'], dataDir, {env})
    assert.equal(r.code, 3, r.stdout)
    const {error} = r.json as {error: {code: string; message: string}}
    assert.equal(error.code, 'NOTICE_INVALID')
    assert.match(error.message, /la riga 2 è lunga 61 caratteri \(massimo 60\)/)
    assert.equal(fake.requests.length, 0)
    assert.deepEqual(runIds(dataDir), [])
  })

  it('a 60-character title is sent', async () => {
    await start(TITLED)
    cacheDefinition(dataDir, TITLED)
    const r = await runJson(['broadcast', '--file', writeNotice(root, `${'B'.repeat(60)}\nIl testo.\n`), '--yes'], dataDir, {env})
    assert.equal(r.code, 0, r.stdout)
    assert.equal(acceptedCounts(fake).size, 3)
  })

  it('a PNG renamed .pdf is refused before any request when the template wants a document', async () => {
    await start(WITH_DOCUMENT)
    cacheDefinition(dataDir, WITH_DOCUMENT)
    const file = path.join(root, 'ordinanza.pdf')
    writeFileSync(file, pngBytes())
    const r = await runJson(['broadcast', '--file', writeNotice(root), '--attach', file, '--yes'], dataDir, {env})
    assert.equal(r.code, 3, r.stdout)
    const {error} = r.json as {error: {code: string; message: string}}
    assert.equal(error.code, 'ATTACHMENT_INVALID')
    assert.match(error.message, /è un'immagine PNG/)
    assert.equal(fake.requests.length, 0)
    assert.deepEqual(runIds(dataDir), [])
  })

  it('a document template without --attach, and --attach with a template without a media header, are refused with what to do', async () => {
    await start(WITH_DOCUMENT)
    cacheDefinition(dataDir, WITH_DOCUMENT)
    const missing = await runJson(['broadcast', '--file', writeNotice(root), '--yes'], dataDir, {env})
    assert.equal(missing.code, 2, missing.stdout)
    assert.match((missing.json as {error: {message: string}}).error.message, /indicare il file con --attach <file> \(PDF/)
    cacheDefinition(dataDir, WITHOUT_HEADER)
    const file = path.join(root, 'ordinanza.pdf')
    writeFileSync(file, pdfBytes())
    const extra = await runJson(['broadcast', '--file', writeNotice(root), '--attach', file, '--yes'], dataDir, {env})
    assert.equal(extra.code, 2, extra.stdout)
    assert.match((extra.json as {error: {message: string}}).error.message, /Togliere --attach/)
    assert.equal(fake.requests.length, 0)
  })

  it('a document template with a PDF: the header carries the uploaded id and the file name', async () => {
    await start(WITH_DOCUMENT)
    const file = path.join(root, 'Ordinanza 12-2026.pdf')
    writeFileSync(file, pdfBytes())
    const r = await runJson<{sent: number}>(['broadcast', '--file', writeNotice(root), '--attach', file, '--yes'], dataDir, {env})
    assert.equal(r.code, 0, r.stdout + r.stderr)
    assert.equal(fake.uploads.length, 1)
    for (const m of fake.accepted()) {
      assert.deepEqual(componentsOf(m.body)[0], {parameters: [{document: {filename: 'Ordinanza 12-2026.pdf', id: fake.uploads[0].id}, type: 'document'}], type: 'header'})
    }
  })

  it('the whole-message preview shows the title as the header, and the attachment in its place', async () => {
    await start(TITLED)
    cacheDefinition(dataDir, TITLED)
    const titled = await runCli(['broadcast', '--file', writeNotice(root, 'Sospensione acqua potabile\nMartedì 18 marzo.\n'), '--dry-run'], dataDir, {env})
    assert.equal(titled.code, 0, titled.stderr)
    assert.match(titled.stdout, /│ Sospensione acqua potabile\n\s+│\n\s+│ Avviso ai cittadini iscritti: Martedì 18 marzo\./)
    cacheDefinition(dataDir, WITH_DOCUMENT)
    const file = path.join(root, 'ordinanza.pdf')
    writeFileSync(file, pdfBytes())
    const attached = await runCli(['broadcast', '--file', writeNotice(root), '--attach', file, '--dry-run'], dataDir, {env})
    assert.equal(attached.code, 0, attached.stderr)
    assert.match(attached.stdout, /│ \[documento PDF "ordinanza.pdf", 77 byte\]\n\s+│ Avviso: COMUNE DI CERVENO/)
    assert.match(attached.stdout, /Allegato \(intestazione del modello\): documento PDF "ordinanza.pdf", 77 byte/)
    assert.equal(fake.requests.length, 0)
  })
})
