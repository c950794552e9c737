import {strict as assert} from 'node:assert'
import {createHash} from 'node:crypto'
import {inspect} from 'node:util'

import {createCloudApiClient, WhatsAppApiError} from '../../src/io/cloud-api.js'
import {FAKE_TOKEN, type FakeCloudApi, startFakeCloudApi} from '../helpers/fake-cloud-api.js'
import {pdfBytes, pngBytes} from '../helpers/media-files.js'

describe('Cloud API client: media upload (multipart, against the stand-in)', () => {
  let fake: FakeCloudApi

  afterEach(async () => {
    await fake.close()
  })

  it('sends messaging_product, type and the file with its name; returns the id', async () => {
    fake = await startFakeCloudApi()
    const client = createCloudApiClient(fake.clientOptions())
    try {
      const {id} = await client.uploadMedia({bytes: pdfBytes(), fileName: 'Ordinanza n. 12.pdf', mime: 'application/pdf'})
      assert.equal(fake.uploads.length, 1)
      const [u] = fake.uploads
      assert.deepEqual(
        [u.id, u.messagingProduct, u.type, u.fileName, u.fileContentType, u.size, u.sha256],
        [id, 'whatsapp', 'application/pdf', 'Ordinanza n. 12.pdf', 'application/pdf', pdfBytes().length, createHash('sha256').update(pdfBytes()).digest('hex')],
      )
      const [request] = fake.requests
      assert.equal(request.path, '/v24.0/106540352242922/media')
      assert.equal(request.authorization, `Bearer ${FAKE_TOKEN}`)
      assert.match(request.contentType ?? '', /^multipart\/form-data; boundary=/)
    } finally {
      client.close()
    }
  })

  it('a type that does not match the bytes is 131053; a refused token is fatal; neither error carries the token', async () => {
    fake = await startFakeCloudApi()
    const client = createCloudApiClient(fake.clientOptions())
    const bad = createCloudApiClient(fake.clientOptions({token: 'another-secret-token-123'}))
    try {
      const mismatch = await client.uploadMedia({bytes: pngBytes(), fileName: 'a.pdf', mime: 'application/pdf'}).then(() => {}, (error: unknown) => error)
      assert.ok(mismatch instanceof WhatsAppApiError)
      assert.deepEqual([mismatch.code, mismatch.httpStatus], [131_053, 400])
      const refused = await bad.uploadMedia({bytes: pdfBytes(), fileName: 'a.pdf', mime: 'application/pdf'}).then(() => {}, (error: unknown) => error)
      assert.ok(refused instanceof WhatsAppApiError)
      assert.deepEqual([refused.code, refused.class], [190, 'fatal'])
      for (const [error, token] of [[mismatch, FAKE_TOKEN], [refused, 'another-secret-token-123']] as const) {
        const text = [inspect(error, {depth: 10, showHidden: true}), JSON.stringify(error), error.stack ?? ''].join('\n')
        assert.ok(!text.includes(token))
      }

      assert.equal(fake.uploads.length, 0)
    } finally {
      client.close()
      bad.close()
    }
  })
})
