#!/usr/bin/env node
// Writes fixtures/demo/: one week's exports of the Comune di Cerveno's phone, as the clerk saves them.
// Invented citizens and numbers. Run again only to change the demo; the files are committed.
import {createWriteStream, mkdirSync, writeFileSync} from 'node:fs'
import path from 'node:path'
import {fileURLToPath} from 'node:url'
import yazl from 'yazl'

const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'demo')
mkdirSync(dir, {recursive: true})
const LRM = '\u200E'

// Android, Italian, unsaved number: the author and the file name carry the number (U+202A…U+202C around it).
const paolo = [
  '14/11/26, 09:12 - I messaggi e le chiamate sono crittografati end-to-end. Nessuno al di fuori di questa chat, nemmeno WhatsApp, può leggerne o ascoltarne il contenuto. Tocca per saperne di più.',
  '14/11/26, 09:12 - \u202A+39 333 123 4567\u202C: Buongiorno, come ci si iscrive agli avvisi?',
  '14/11/26, 09:40 - Comune di Cerveno: Buongiorno! Per iscriversi scriva: Servizio Info ON Nome Cognome',
  '14/11/26, 09:41 - \u202A+39 333 123 4567\u202C: Servizio Info ON Paolo Rossi',
  '14/11/26, 09:41 - \u202A+39 333 123 4567\u202C: Grazie mille',
  '',
].join('\n')
writeFileSync(path.join(dir, 'Chat WhatsApp con +39 333 123 4567.txt'), paolo)

// Android, saved contact: the number is nowhere in the file; the clerk adds it in review.
const maria = [
  '20/11/26, 18:03 - Maria Bianchi: Servizio info on',
  'Maria Bianchi',
  '20/11/26, 18:04 - Maria Bianchi: <Media omessi>',
  '20/11/26, 18:05 - Maria Bianchi: Servizio Info online? non funziona il sito',
  '',
].join('\n')
writeFileSync(path.join(dir, 'Chat WhatsApp con Maria Bianchi.txt'), maria)

// iOS zip: _chat.txt with CRLF message ends, U+200E marks and an edited OFF.
const ios = [
  `[21/11/26, 08:15:02] Giorgio Salvetti: ${LRM}immagine omessa`,
  '[21/11/26, 08:15:40] Giorgio Salvetti: Servizio Info OFF',
  `[21/11/26, 08:16:10] Giorgio Salvetti: Servizio Info OFF Giorgio Salvetti ${LRM}<Questo messaggio è stato modificato>`,
  '',
].join('\r\n')
const zip = new yazl.ZipFile()
zip.addBuffer(Buffer.from(ios), '_chat.txt', {mtime: new Date('2026-11-21T08:20:00Z')})
zip.outputStream.pipe(createWriteStream(path.join(dir, 'WhatsApp Chat - +39 347 765 4321.zip')))
zip.end()

// Cloud API webhooks saved by the comune's receiver, one payload per line.
const envelope = value => ({entry: [{changes: [{field: 'messages', value: {messaging_product: 'whatsapp', metadata: {display_phone_number: '393316509570', phone_number_id: '106540352242922'}, ...value}}], id: '102290129340398'}], object: 'whatsapp_business_account'})
const lines = [
  envelope({
    contacts: [{profile: {name: 'Lucia'}, wa_id: '393481112233'}], messages: [{
      from: '393481112233', id: 'wamid.HBgMMzkzNDgxMTEyMjMzFQIAEhgUM0E1', text: {body: "Servizio Info ON Lucia D'Angelo"}, timestamp: '1795245000', type: 'text',
    }],
  }),
  envelope({
    contacts: [{profile: {name: 'Niccolò'}, wa_id: '393395556677'}], messages: [{
      from: '393395556677', id: 'wamid.HBgMMzkzMzk1NTU2Njc3FQIAEhgUM0E2', text: {body: 'Servizio Info: ON Niccolò Bertoli'}, timestamp: '1795331400', type: 'text',
    }],
  }),
  envelope({
    contacts: [{profile: {name: 'Ugo'}, wa_id: '393401234000'}], messages: [{
      from: '393401234000', id: 'wamid.HBgMMzkzNDAxMjM0MDAwFQIAEhgUM0E3', text: {body: 'A che ora apre il municipio?'}, timestamp: '1795335000', type: 'text',
    }],
  }),
]
writeFileSync(path.join(dir, 'webhook-novembre.ndjson'), lines.map(l => JSON.stringify(l)).join('\n') + '\n')
console.log(`written ${dir}`)
