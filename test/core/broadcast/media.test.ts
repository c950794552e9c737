import {strict as assert} from 'node:assert'

import {
  attachmentProblem, isMediaRecord, MEDIA_ID_TTL_MS, MEDIA_MAX_BYTES, type MediaRecord, mediaReusable, sniffMedia,
} from '../../../src/core/broadcast/media.js'
import {pdfBytes, pngBytes} from '../../helpers/media-files.js'

const JPEG = Buffer.from([0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10, 0x4A, 0x46, 0x49, 0x46])

function png(bitDepth: number, colorType: number): Buffer {
  const b = Buffer.from(pngBytes())
  b[24] = bitDepth
  b[25] = colorType
  return b
}

describe('media headers: type from the bytes, limits, reuse of an uploaded id', () => {
  it('sniffs JPEG, PNG and PDF from the first bytes, nothing else', () => {
    assert.deepEqual(sniffMedia(JPEG), {kind: 'image', mime: 'image/jpeg'})
    assert.deepEqual(sniffMedia(pngBytes()), {kind: 'image', mime: 'image/png'})
    assert.deepEqual(sniffMedia(pdfBytes()), {kind: 'document', mime: 'application/pdf'})
    for (const other of [Buffer.from('Ciao'), Buffer.from('GIF89a'), Buffer.alloc(0), Buffer.from(' %PDF-1.4'), Buffer.from('PK\u0003\u0004')]) {
      assert.equal(sniffMedia(other), undefined)
    }
  })

  it('a PNG must be 8-bit RGB or RGBA', () => {
    assert.equal(sniffMedia(png(8, 2))?.pngProblem, undefined)
    assert.equal(sniffMedia(png(16, 6))?.pngProblem, 'bitDepth')
    assert.equal(sniffMedia(png(8, 0))?.pngProblem, 'colorType')
    assert.deepEqual(attachmentProblem('image', {size: 100, sniffed: sniffMedia(png(8, 3))}), {code: 'png', detail: 'colorType'})
  })

  it('matches the file to the header: kind, size, presence', () => {
    const pdf = sniffMedia(pdfBytes())
    const image = sniffMedia(pngBytes())
    assert.equal(attachmentProblem('document', {size: 10, sniffed: pdf}), null)
    assert.equal(attachmentProblem('image', {size: MEDIA_MAX_BYTES.image, sniffed: image}), null)
    assert.deepEqual(attachmentProblem('image', {size: MEDIA_MAX_BYTES.image + 1, sniffed: image}), {
      code: 'tooBig', kind: 'image', max: 5 * 1024 * 1024, size: 5 * 1024 * 1024 + 1,
    })
    assert.equal(attachmentProblem('document', {size: 100 * 1024 * 1024, sniffed: pdf}), null)
    assert.equal(attachmentProblem('document', {size: 100 * 1024 * 1024 + 1, sniffed: pdf})?.code, 'tooBig')
    assert.deepEqual(attachmentProblem('document', {size: 10, sniffed: image}), {code: 'kindMismatch', found: 'image/png', header: 'document'})
    assert.deepEqual(attachmentProblem('image', {size: 10, sniffed: undefined}), {code: 'unknownType'})
    assert.deepEqual(attachmentProblem('image', {size: 0, sniffed: undefined}), {code: 'empty'})
    assert.deepEqual(attachmentProblem('document'), {code: 'attachRequired', header: 'document'})
    assert.equal(attachmentProblem('text'), null)
    assert.equal(attachmentProblem('none'), null)
    assert.deepEqual(attachmentProblem('none', {size: 10, sniffed: pdf}), {code: 'attachNotWanted', header: 'none'})
    assert.deepEqual(attachmentProblem('text', {size: 10, sniffed: pdf}), {code: 'attachNotWanted', header: 'text'})
  })

  it('an uploaded id is reused for the same file while younger than 30 days', () => {
    const at = Date.parse('2026-03-01T10:00:00+01:00')
    const record: MediaRecord = {
      at: '2026-03-01T10:00:00+01:00', fileName: 'a.pdf', id: '1234', kind: 'document', mime: 'application/pdf', sha256: 'abc', size: 3, type: 'media',
    }
    assert.equal(mediaReusable(record, 'abc', at + 1000), true)
    assert.equal(mediaReusable(record, 'abc', at + MEDIA_ID_TTL_MS - 1), true)
    assert.equal(mediaReusable(record, 'abc', at + MEDIA_ID_TTL_MS), false)
    assert.equal(mediaReusable(record, 'abc', at + 31 * 24 * 3_600_000), false)
    assert.equal(mediaReusable(record, 'other', at + 1000), false, 'another file')
    assert.equal(mediaReusable(record, 'abc', at - 60_000), false, 'recorded in the future: not trusted')
    assert.equal(mediaReusable(undefined, 'abc', at), false)
    assert.equal(isMediaRecord(record), true)
    assert.equal(isMediaRecord({...record, id: '../x y'}), false)
    assert.equal(isMediaRecord({...record, at: 'ieri'}), false)
  })
})
