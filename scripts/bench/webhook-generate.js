
// Generates large, realistic Cloud API webhook dumps (Italian citizens writing to a comune, delivery receipts
// of its broadcasts) for benchmarks. Streams to disk: memory stays flat whatever the size.
// Deterministic for a given seed. Plain ESM, no dependencies.
//   node scripts/bench/webhook-generate.js ndjson /tmp/dump.ndjson 1G
//   node scripts/bench/webhook-generate.js array /tmp/dump.json 1G [--pretty]

import {once} from 'node:events'
import {createWriteStream} from 'node:fs'
import {pathToFileURL} from 'node:url'

function mulberry32(seed) {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6D_2B_79_F5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296
  }
}

const FIRST = ['Giulia',
  'Marco',
  'Francesca',
  'Luca',
  'Chiara',
  'Andrea',
  'Sara',
  'Matteo',
  'Elena',
  'Davide',
  'Martina',
  'Simone',
  'Federica',
  'Alessandro',
  'Valentina',
  'Paolo',
  'Anna',
  'Stefano',
  'Silvia',
  'Niccolò']
const LAST = ['Rossi',
  'Bianchi',
  'Ferrari',
  'Esposito',
  'Romano',
  'Colombo',
  'Ricci',
  'Marino',
  'Greco',
  'Bruno',
  'Gallo',
  'Conti',
  'De Luca',
  'Mancini',
  'Costa',
  'Giordano',
  'Rizzo',
  "Dell'Acqua",
  'Moretti',
  'Fabbri']
const CHAT = [
  "Buongiorno, a che ora apre l'ufficio anagrafe domani?",
  'Grazie mille 🙏',
  'La raccolta della carta è stata spostata a giovedì?',
  "Buonasera, segnalo un lampione spento in via Roma all'altezza del civico 12",
  'Si può pagare la TARI anche in posta?',
  'Come funziona il Servizio Info? Mi iscrivo anche per mia madre',
  "Domani passo in comune per la carta d'identità",
  'Ricevuto, grazie',
]
const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'
const WABA = '104729384756012'
const PHONE_ID = '110293847561234'

function makeRandom(seed) {
  const rnd = mulberry32(seed)
  const pick = arr => arr[Math.floor(rnd() * arr.length)]
  const wamid = () => {
    let s = 'wamid.HBgMMzkz'
    for (let i = 0; i < 48; i++) s += B64[Math.floor(rnd() * 64)]
    return s + '=='
  }

  // A pool of citizens: +39 3xx invented numbers.
  const citizens = []
  for (let i = 0; i < 5000; i++) {
    const mobile = `39${pick(['320', '328', '333', '338', '340', '347', '349', '366', '380', '392'])}${String(Math.floor(rnd() * 10_000_000)).padStart(7, '0')}`
    citizens.push({name: `${pick(FIRST)} ${pick(LAST)}`, waId: mobile})
  }

  return {
    citizens, pick, rnd, wamid,
  }
}

/** Returns next(): one payload per call, with what it holds ({messages, requests, statuses}). */
function payloadFactory(seed) {
  const {citizens, pick, rnd, wamid} = makeRandom(seed)
  let ts = 1_767_254_400 // 2026-01-01T09:00:00+01:00
  const metadata = {display_phone_number: '393316509570', phone_number_id: PHONE_ID}

  function message() {
    const who = pick(citizens)
    const r = rnd()
    let msg
    let requests = 1
    if (r < 0.12) {
      msg = {text: {body: `Servizio Info ON ${who.name}`}, type: 'text'}
    } else if (r < 0.15) {
      msg = {
        button: {payload: 'Servizio Info OFF', text: 'Servizio Info OFF'},
        context: {from: metadata.display_phone_number, id: wamid()},
        type: 'button',
      }
    } else if (r < 0.2) {
      msg = {image: {id: String(Math.floor(rnd() * 1e15)), mime_type: 'image/jpeg', sha256: 'c2hhMjU2'}, type: 'image'}
      requests = 0
    } else {
      msg = {text: {body: pick(CHAT)}, type: 'text'}
      requests = 0
    }

    ts += 1 + Math.floor(rnd() * 30)
    const value = {
      contacts: [{profile: {name: who.name}, wa_id: who.waId}],
      messages: [{
        from: who.waId,
        id: wamid(),
        timestamp: String(ts),
        ...msg,
      }],
    }
    return {stats: {messages: 1, requests, statuses: 0}, value}
  }

  function statuses() {
    const list = []
    const n = 1 + Math.floor(rnd() * 3)
    for (let i = 0; i < n; i++) {
      const who = pick(citizens)
      ts += 1
      const status = pick(['sent', 'delivered', 'delivered', 'read', 'read', 'failed'])
      const s = {
        id: wamid(),
        recipient_id: who.waId,
        status,
        timestamp: String(ts),
      }
      if (status === 'failed') {
        s.errors = [{
          code: 131_026,
          error_data: {details: 'Message Undeliverable.'},
          message: 'Message undeliverable',
          title: 'Message undeliverable',
        }]
      } else {
        s.pricing = {
          billable: true,
          category: 'utility',
          pricing_model: 'PMP',
          type: 'regular',
        }
      }

      list.push(s)
    }

    return {stats: {messages: 0, requests: 0, statuses: n}, value: {statuses: list}}
  }

  return () => {
    const {stats, value} = rnd() < 0.35 ? message() : statuses()
    const payload = {
      entry: [{changes: [{field: 'messages', value: {messaging_product: 'whatsapp', metadata, ...value}}], id: WABA}],
      object: 'whatsapp_business_account',
    }
    return {payload, stats}
  }
}

/** Writes open + payloads joined by separator + close, never past bytesTarget; returns what it wrote. */
async function writeDump(path, bytesTarget, {close, open, pretty = false, seed = 7, separator}) {
  const out = createWriteStream(path)
  const next = payloadFactory(seed)
  const counts = {
    messages: 0,
    payloads: 0,
    requests: 0,
    statuses: 0,
  }
  const closeBytes = Buffer.byteLength(close)
  let bytes = 0
  let buffer = open
  let bufferBytes = Buffer.byteLength(open)
  for (;;) {
    const {payload, stats} = next()
    const piece = (counts.payloads === 0 ? '' : separator) + JSON.stringify(payload, null, pretty ? 2 : undefined)
    const pieceBytes = Buffer.byteLength(piece)
    if (bytes + bufferBytes + pieceBytes + closeBytes > bytesTarget) break
    buffer += piece
    bufferBytes += pieceBytes
    counts.payloads++
    counts.messages += stats.messages
    counts.requests += stats.requests
    counts.statuses += stats.statuses
    if (bufferBytes >= 1 << 20) {
      bytes += bufferBytes
      if (!out.write(buffer)) await once(out, 'drain')
      buffer = ''
      bufferBytes = 0
    }
  }

  bytes += bufferBytes + closeBytes
  out.end(buffer + close)
  await once(out, 'finish')
  return {bytes, ...counts}
}

/** NDJSON: one payload per line. */
export function writeNdjsonDump(path, bytesTarget, options = {}) {
  return writeDump(path, bytesTarget, {
    close: '\n', open: '', separator: '\n', ...options, pretty: false,
  })
}

/** A JSON array of payloads, one per line (or pretty-printed with `pretty: true`). */
export function writeArrayDump(path, bytesTarget, options = {}) {
  return writeDump(path, bytesTarget, {
    close: '\n]\n', open: '[\n', separator: ',\n', ...options,
  })
}

function parseSize(text) {
  const m = /^(\d+(?:\.\d+)?)\s*([KMG]?)B?$/i.exec(text)
  if (!m) throw new Error(`size not understood: ${text}`)
  const unit = {
    '': 1, G: 1024 ** 3, K: 1024, M: 1024 ** 2,
  }[m[2].toUpperCase()]
  return Math.floor(Number(m[1]) * unit)
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [kind, path, size = '100M', ...rest] = process.argv.slice(2)
  if (!['array', 'ndjson'].includes(kind) || !path) {
    console.error('usage: node scripts/bench/webhook-generate.js ndjson|array <path> [size, e.g. 1G] [--pretty]')
    process.exit(2)
  }

  const write = kind === 'ndjson' ? writeNdjsonDump : writeArrayDump
  const result = await write(path, parseSize(size), {pretty: rest.includes('--pretty')})
  console.log(JSON.stringify(result))
}
