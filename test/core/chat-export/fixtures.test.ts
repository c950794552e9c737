import {strict as assert} from 'node:assert'
import {
  copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync,
} from 'node:fs'
import {tmpdir} from 'node:os'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'

import {extractRequests, parseChats} from '../../../src/core/chat-export/index.js'
import {readChatFile} from '../../../src/io/chat-file.js'

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'fixtures', 'chats')

interface Expected {
  as: string
  bytes: string[]
  container: 'txt' | 'zip'
  dateOrder: string
  dateOrderReason: string
  file: string
  group: boolean
  keyword: string
  messages: number
  nearMisses: number[]
  options: {phone: null | string; selfNames: string[]}
  platform: string
  requests: unknown[]
  systemMessages: number
}

const expectations: Expected[] = readdirSync(FIXTURES)
.filter(f => f.endsWith('.expected.json'))
.sort()
.map(f => JSON.parse(readFileSync(join(FIXTURES, f), 'utf8')) as Expected)

/** Byte patterns a fixture promises to contain. */
const SPECIAL: Record<string, (b: Buffer) => boolean> = {
  bom: b => b[0] === 0xEF && b[1] === 0xBB && b[2] === 0xBF,
  crlf: b => b.includes('\r\n'),
  lf: b => b.some((x, i) => x === 0x0A && b[i - 1] !== 0x0D),
  lre: b => b.includes(Buffer.from('\u202A')),
  lrm: b => b.includes(Buffer.from('\u200E')),
  nbsp: b => b.includes(Buffer.from('\u00A0')),
  nnbsp: b => b.includes(Buffer.from('\u202F')),
  pdf: b => b.includes(Buffer.from('\u202C')),
}

describe('chat-export fixtures', () => {
  let tmp: string

  before(() => {
    tmp = mkdtempSync(join(tmpdir(), 'chat-fixtures-'))
  })

  after(() => rmSync(tmp, {force: true, recursive: true}))

  it('has at least 18 fixtures, each with its source file', () => {
    assert.ok(expectations.length >= 18, `only ${expectations.length}`)
    for (const e of expectations) assert.ok(readFileSync(join(FIXTURES, e.file)).length > 0, e.file)
  })

  for (const e of expectations) {
    describe(e.file, () => {
      it('really holds its special bytes', async () => {
        const raw = readFileSync(join(FIXTURES, e.file))
        let bytes = raw
        if (e.container === 'zip') {
          assert.deepEqual([...raw.subarray(0, 4)], [0x50, 0x4B, 0x03, 0x04], 'zip signature')
          const read = await readChatFile(join(FIXTURES, e.file))
          assert.ok(read.ok)
          bytes = Buffer.from(read.chats[0].text, 'utf8')
        }

        for (const name of e.bytes) {
          assert.ok(SPECIAL[name], `unknown byte class ${name}`)
          assert.ok(SPECIAL[name](bytes), `${e.file} lacks ${name}`)
        }

        if (!e.bytes.includes('crlf')) assert.ok(!bytes.includes('\r'), `${e.file} has unexpected \\r`)
        if (!e.bytes.includes('bom')) assert.ok(!SPECIAL.bom(raw), `${e.file} has an unexpected BOM`)
      })

      it('parses and extracts exactly the expected requests', async () => {
        const target = join(tmp, e.file.replace(/\.\w+$/, ''), e.as)
        mkdirSync(dirname(target), {recursive: true})
        copyFileSync(join(FIXTURES, e.file), target)
        const read = await readChatFile(target)
        assert.ok(read.ok, JSON.stringify(read))
        assert.equal(read.container, e.container)
        assert.equal(read.chats.length, 1)

        const [parsed] = parseChats([{names: read.chats[0].names, text: read.chats[0].text}])
        assert.ok(parsed.ok, JSON.stringify(parsed))
        const {chat} = parsed
        assert.equal(chat.format.platform, e.platform)
        assert.equal(chat.dateOrder, e.dateOrder)
        assert.equal(chat.dateOrderReason, e.dateOrderReason)
        assert.equal(chat.messages.length, e.messages)
        assert.equal(chat.messages.filter(m => m.system).length, e.systemMessages)
        assert.equal(chat.group, e.group)

        const out = extractRequests(chat, {keyword: e.keyword, phone: e.options.phone, selfNames: e.options.selfNames})
        assert.deepEqual(out.requests, e.requests)
        assert.deepEqual(
          out.nearMisses.map(n => n.line),
          e.nearMisses,
        )
        assert.equal(out.messages, e.messages)
        assert.equal(out.ignored, e.messages - e.requests.length)
      })
    })
  }
})
