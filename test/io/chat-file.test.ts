import fc from 'fast-check'
import {strict as assert} from 'node:assert'
import {
  mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync,
} from 'node:fs'
import {tmpdir} from 'node:os'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {TextDecoder} from 'node:util'
import yazl from 'yazl'

import {parseChat} from '../../src/core/chat-export/index.js'
import {
  type ChatFileResult,
  decodeChatText,
  firstInvalidUtf8,
  readChatBytes,
  readChatFile,
} from '../../src/io/chat-file.js'

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'fixtures', 'chats')
const CHAT = '14/03/25, 09:21 - Anna: Servizio Info ON Anna Neri\n'

function zipOf(entries: Array<[string, Buffer | string]>): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const zip = new yazl.ZipFile()
    for (const [name, content] of entries) zip.addBuffer(Buffer.from(content), name)
    const chunks: Buffer[] = []
    zip.outputStream.on('data', (c: Buffer) => chunks.push(c))
    zip.outputStream.on('end', () => resolve(Buffer.concat(chunks)))
    zip.outputStream.on('error', reject)
    zip.end()
  })
}

function okResult(r: ChatFileResult) {
  if (!r.ok) assert.fail(JSON.stringify(r.error))
  return r
}

describe('io/chat-file', () => {
  let tmp: string

  beforeEach(() => {
    tmp = mkdtempSync(join(tmpdir(), 'chat-file-'))
  })

  afterEach(() => rmSync(tmp, {force: true, recursive: true}))

  it('reads a text file: BOM dropped, names = file then folder', async () => {
    const folder = join(tmp, 'WhatsApp Chat - Anna Neri')
    mkdirSync(folder)
    writeFileSync(join(folder, '_chat.txt'), '\uFEFF' + CHAT)
    const r = okResult(await readChatFile(join(folder, '_chat.txt')))
    assert.equal(r.container, 'txt')
    assert.deepEqual(r.chats, [{entry: null, names: ['_chat.txt', 'WhatsApp Chat - Anna Neri'], text: CHAT}])
  })

  it('reports the line and column of the first byte that is not UTF-8 (a Windows-1252 re-save)', async () => {
    const bytes = Buffer.concat([Buffer.from('14/03/25, 09:21 - Anna: ciao\n14/03/25, 09:22 - Anna: perch'), Buffer.from([0xE8]), Buffer.from('\n')])
    writeFileSync(join(tmp, 'x.txt'), bytes)
    const r = await readChatFile(join(tmp, 'x.txt'))
    assert.deepEqual(r, {error: {column: 30, line: 2, reason: 'not-utf8'}, ok: false})
  })

  it('rejects UTF-16, NUL bytes, empty files, folders and missing paths with a reason', async () => {
    writeFileSync(join(tmp, 'u16.txt'), Buffer.from('\uFEFF' + CHAT, 'utf16le'))
    writeFileSync(join(tmp, 'bin.txt'), Buffer.from('14/03/25, 09:21 - A: x\n\u0000\u0001'))
    writeFileSync(join(tmp, 'empty.txt'), '')
    const reasons = await Promise.all(['u16.txt', 'bin.txt', 'empty.txt', '.', 'missing.txt'].map(async n => {
      const r = await readChatFile(join(tmp, n))
      return r.ok ? 'ok' : r.error.reason + (r.error.detail === 'utf-16' ? ':utf-16' : '') + (r.error.line ? `@${r.error.line}` : '')
    }))
    assert.deepEqual(reasons, ['not-utf8:utf-16@1', 'binary@2', 'empty', 'is-directory', 'not-found'])
  })

  it('opens a zip by its signature whatever the extension, without extracting media', async () => {
    const zip = await zipOf([
      ['Chat WhatsApp con Anna Neri.txt', CHAT],
      ['IMG-20250320-WA0004.jpg', Buffer.from([0xFF, 0xD8, 0xFF, 0xD9])],
    ])
    writeFileSync(join(tmp, 'Chat WhatsApp con Anna Neri.txt'), zip)
    const r = okResult(await readChatFile(join(tmp, 'Chat WhatsApp con Anna Neri.txt')))
    assert.equal(r.container, 'zip')
    assert.deepEqual(r.chats, [
      {
        entry: 'Chat WhatsApp con Anna Neri.txt',
        names: ['Chat WhatsApp con Anna Neri.txt', 'Chat WhatsApp con Anna Neri.txt'],
        text: CHAT,
      },
    ])
    assert.deepEqual(readdirSync(tmp), ['Chat WhatsApp con Anna Neri.txt'])
  })

  it('prefers _chat.txt, ignores __MACOSX and shared .txt documents', async () => {
    const zip = await zipOf([
      ['appunti.txt', 'lista della spesa\n'],
      ['__MACOSX/._chat.txt', Buffer.from([0, 5, 22, 7, 0, 0])],
      ['_chat.txt', '[02/04/25, 17:03:40] Anna: ciao\r\n'],
    ])
    const r = okResult(await readChatBytes(zip, 'WhatsApp Chat - Anna.zip'))
    assert.deepEqual(
      r.chats.map(c => [c.entry, c.names]),
      [['_chat.txt', ['WhatsApp Chat - Anna.zip', '_chat.txt']]],
    )
  })

  it('among several unnamed .txt files keeps the ones that read as a chat', async () => {
    const zip = await zipOf([
      ['verbale.txt', 'Verbale della seduta\n'],
      ['mario.txt', CHAT],
    ])
    const r = okResult(await readChatBytes(zip, 'export.zip'))
    assert.deepEqual(
      r.chats.map(c => c.entry),
      ['mario.txt'],
    )
  })

  it('returns every chat of a zip holding several exports, each with its folder name', async () => {
    const zip = await zipOf([
      ['WhatsApp Chat - Anna/_chat.txt', '[02/04/25, 17:03:40] Anna: ciao\r\n'],
      ['WhatsApp Chat - Bruno/_chat.txt', '[02/04/25, 17:03:40] Bruno: ciao\r\n'],
    ])
    const r = okResult(await readChatBytes(zip, 'esportazioni.zip'))
    assert.deepEqual(
      r.chats.map(c => c.names),
      [
        ['esportazioni.zip', '_chat.txt', 'WhatsApp Chat - Anna'],
        ['esportazioni.zip', '_chat.txt', 'WhatsApp Chat - Bruno'],
      ],
    )
  })

  it('reports a zip without a chat, a truncated zip and a chat text that is not UTF-8 inside a zip', async () => {
    const noChat = await readChatBytes(await zipOf([['foto.jpg', Buffer.from([1, 2, 3])]]), 'a.zip')
    assert.deepEqual(noChat, {error: {reason: 'zip-no-chat'}, ok: false})
    const full = readFileSync(join(FIXTURES, 'zip-android-media.zip'))
    for (const cut of [10, 40, full.length - 30, full.length - 1]) {
      const r = await readChatBytes(full.subarray(0, cut), 'a.zip')
      assert.equal(r.ok ? 'ok' : r.error.reason, 'zip-corrupt', `cut at ${cut}`)
    }

    const latin = await readChatBytes(await zipOf([['_chat.txt', Buffer.from([0x5B, 0xE8, 0x0A])]]), 'a.zip')
    assert.deepEqual(latin, {
      error: {
        column: 2, entry: '_chat.txt', line: 1, reason: 'not-utf8',
      }, ok: false,
    })
  })

  it('reports a corrupt zip on disk', async () => {
    const full = readFileSync(join(FIXTURES, 'zip-ios-chat.zip'))
    writeFileSync(join(tmp, 'rotto.zip'), full.subarray(0, -10))
    const r = await readChatFile(join(tmp, 'rotto.zip'))
    assert.equal(r.ok ? 'ok' : r.error.reason, 'zip-corrupt')
  })

  it('firstInvalidUtf8 agrees with the strict TextDecoder on any bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({maxLength: 64}), bytes => {
        let valid = true
        try {
          new TextDecoder('utf8', {fatal: true}).decode(bytes)
        } catch {
          valid = false
        }

        assert.equal(firstInvalidUtf8(bytes) === -1, valid)
      }),
      {numRuns: 2000},
    )
  })

  it('decodes any UTF-8 text back to itself', () => {
    fc.assert(fc.property(fc.string({minLength: 1, unit: 'grapheme'}), s => {
      const r = decodeChatText(Buffer.from(s, 'utf8'))
      if (s.includes('\u0000')) assert.equal(r.ok ? '' : r.error.reason, 'binary')
      else assert.deepEqual(r, {ok: true, text: s.startsWith('\uFEFF') ? s.slice(1) : s})
    }))
  })

  it('never throws on arbitrary bytes, zip-looking or not', async () => {
    const zipHead = fc.uint8Array({maxLength: 300}).map(b => Buffer.concat([Buffer.from([0x50, 0x4B, 3, 4]), b]))
    const fixture = readFileSync(join(FIXTURES, 'zip-android-media.zip'))
    const damaged = fc
    .tuple(fc.integer({max: fixture.length - 1, min: 0}), fc.integer({max: 255, min: 0}), fc.nat(fixture.length))
    .map(([at, value, cut]) => {
      const copy = Buffer.from(fixture)
      copy[at] = value
      return copy.subarray(0, Math.max(cut, 4))
    })
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.uint8Array({maxLength: 300}), zipHead, damaged), async bytes => {
        const r = await readChatBytes(bytes, 'x.txt')
        if (!r.ok) {
          assert.equal(typeof r.error.reason, 'string')
          return
        }

        assert.ok(r.chats.length > 0)
        for (const c of r.chats) {
          const parsed = parseChat(c.text, {names: c.names})
          assert.ok(parsed.ok ? Array.isArray(parsed.chat.messages) : typeof parsed.error.reason === 'string')
        }
      }),
      {numRuns: 400},
    )
  })
})
