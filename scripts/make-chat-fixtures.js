// Writes fixtures/chats/*: WhatsApp export samples (with their invisible characters as real bytes)
// and the hand-written results expected from them. Run: node scripts/make-chat-fixtures.js
// The expectations below are written by hand, never produced by the parser.
import {createWriteStream, mkdirSync, writeFileSync} from 'node:fs'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'
import yazl from 'yazl'

const root = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'chats')
mkdirSync(root, {recursive: true})

const BOM = '\uFEFF'
const LRM = '\u200E'
const LRE = '\u202A'
const PDF = '\u202C'
const NNBSP = '\u202F'
const NBSP = '\u00A0'
const SELF_URP = ['Comune di Valdoria - URP']
const ENCRYPTED_IT
  = 'I messaggi e le chiamate sono crittografati end-to-end. Nessuno al di fuori di questa chat, nemmeno WhatsApp, può leggerne o ascoltarne il contenuto.'
// Fixed so that rebuilt zips are byte-identical.
const MTIME = new Date(Date.UTC(2025, 4, 3, 9, 30, 0))

/** Lines joined with \n and a final \n (Android). */
const lf = (...lines) => lines.join('\n') + '\n'
/** Lines joined with \r\n (Windows re-save). */
const crlf = (...lines) => lines.join('\r\n') + '\r\n'
/** iOS: each message ends with \r\n, typed line breaks inside it stay \n. */
const ios = (...messages) => messages.map(m => m.join('\n')).join('\r\n') + '\r\n'

const req = (line, action, name, receivedAt, author, phone, phoneSource, rawText) => ({
  action, author, line, name, phone, phoneSource, rawText, receivedAt,
})

const fixtures = []
const add = f => fixtures.push(f)

// 1. Android it_IT 24h; saved contact, file renamed with the number; the comune quotes the keyword.
add({
  as: 'Chat WhatsApp con +39 333 412 7789.txt',
  expected: {
    bytes: [],
    dateOrder: 'dmy',
    dateOrderReason: 'field-over-12',
    group: false,
    messages: 8,
    nearMisses: [],
    options: {phone: null, selfNames: SELF_URP},
    platform: 'android',
    requests: [
      req(9, 'ON', 'Giulia Ferrari', '2025-03-14T10:08:00+01:00', 'Giulia Ferrari', '+393334127789', 'title', 'Servizio Info ON Giulia Ferrari'),
    ],
    systemMessages: 1,
  },
  name: 'android-it-24h',
  text: lf(
    `14/03/25, 09:21 - ${ENCRYPTED_IT} Tocca per saperne di più.`,
    '14/03/25, 09:21 - Comune di Valdoria - URP: Buongiorno! Il Comune di Valdoria ha attivato il servizio informativo WhatsApp.',
    'Per iscriverti scrivi:',
    'Servizio Info ON Nome Cognome',
    'Per cancellarti scrivi: Servizio Info OFF',
    '14/03/25, 09:22 - Comune di Valdoria - URP: Servizio Info ON Nome Cognome',
    '14/03/25, 10:05 - Giulia Ferrari: Buongiorno, come funziona?',
    '14/03/25, 10:07 - Giulia Ferrari: <Media omessi>',
    '14/03/25, 10:08 - Giulia Ferrari: Servizio Info ON Giulia Ferrari',
    '14/03/25, 10:15 - Comune di Valdoria - URP: Grazie Giulia, la sua richiesta è stata registrata.',
    'Riceverà gli avvisi del Comune su questo numero.',
    '15/03/25, 18:40 - Giulia Ferrari: Perfetto grazie 😊',
  ),
})

// 2. iOS it_IT: \r\n ends messages, \n inside them; a pasted header-looking line; U+200E; --phone.
add({
  as: 'WhatsApp Chat - Marco Bianchi/_chat.txt',
  expected: {
    bytes: ['crlf', 'lf', 'lrm'],
    dateOrder: 'dmy',
    dateOrderReason: 'field-over-12',
    group: false,
    messages: 6,
    nearMisses: [],
    options: {phone: '+393335550101', selfNames: ['Comune di Valdoria']},
    platform: 'ios',
    requests: [
      req(8, 'ON', 'Marco Bianchi', '2025-04-02T17:06:30+02:00', 'Marco Bianchi', '+393335550101', 'option', 'Servizio Info ON\nMarco Bianchi'),
    ],
    systemMessages: 1,
  },
  name: 'ios-it-crlf-lrm',
  text: ios(
    [`[02/04/25, 17:03:40] Marco Bianchi: ${LRM}${ENCRYPTED_IT}`],
    ['[02/04/25, 17:03:40] Comune di Valdoria: Buongiorno, per ricevere gli avvisi scriva Servizio Info ON seguito da nome e cognome.'],
    [
      '[02/04/25, 17:05:12] Marco Bianchi: Buongiorno',
      'volevo chiedere una cosa:',
      '[12/04/25, 10:00:00] Pro Loco: la sagra è confermata?',
      "l'ho letto su un gruppo",
    ],
    [`${LRM}[02/04/25, 17:06:01] Marco Bianchi: ${LRM}immagine omessa`],
    ['[02/04/25, 17:06:30] Marco Bianchi: Servizio Info ON', 'Marco Bianchi'],
    [`[13/04/25, 09:00:05] Marco Bianchi: Grazie ${LRM}<Questo messaggio è stato modificato>`],
  ),
})

// 3. Android it_IT with the 12-hour clock: U+202F before AM/PM; unsaved number wrapped in U+202A/U+202C.
add({
  as: 'Chat WhatsApp con +39 347 221 9034.txt',
  expected: {
    bytes: ['nnbsp', 'lre', 'pdf'],
    dateOrder: 'dmy',
    dateOrderReason: 'field-over-12',
    group: false,
    messages: 5,
    nearMisses: [],
    options: {phone: null, selfNames: SELF_URP},
    platform: 'android',
    requests: [
      req(2, 'ON', 'Luca Moretti', '2025-06-05T00:40:00+02:00', '+39 347 221 9034', '+393472219034', 'author', 'Servizio Info ON Luca Moretti'),
      req(5, 'OFF', null, '2025-06-17T19:58:00+02:00', '+39 347 221 9034', '+393472219034', 'author', 'Servizio Info OFF'),
    ],
    systemMessages: 1,
  },
  name: 'android-it-12h-nnbsp',
  text: lf(
    `05/06/25, 12:40${NNBSP}AM - ${ENCRYPTED_IT} Tocca per saperne di più.`,
    `05/06/25, 12:40${NNBSP}AM - ${LRE}+39 347 221 9034${PDF}: Servizio Info ON Luca Moretti`,
    `05/06/25, 8:15${NNBSP}AM - Comune di Valdoria - URP: Buongiorno Luca, iscrizione ricevuta.`,
    `05/06/25, 12:05${NNBSP}PM - ${LRE}+39 347 221 9034${PDF}: Grazie`,
    `17/06/25, 7:58${NNBSP}PM - ${LRE}+39 347 221 9034${PDF}: Servizio Info OFF`,
  ),
})

// 4. it_CH (Ticino): dotted dates. Saved contact, title is a name: no phone.
add({
  as: 'Chat WhatsApp con Chiara Rossi.txt',
  expected: {
    bytes: [],
    dateOrder: 'dmy',
    dateOrderReason: 'field-over-12',
    group: false,
    messages: 3,
    nearMisses: [],
    options: {phone: null, selfNames: SELF_URP},
    platform: 'android',
    requests: [
      req(2, 'ON', 'Chiara Rossi', '2025-02-24T14:04:00+01:00', 'Chiara Rossi', null, null, 'Servizio Info ON Chiara Rossi'),
    ],
    systemMessages: 0,
  },
  name: 'android-it-ch-dots',
  text: lf(
    '24.02.25, 14:03 - Chiara Rossi: Buongiorno, abito a Lugano ma ho casa a Valdoria',
    '24.02.25, 14:04 - Chiara Rossi: Servizio Info ON Chiara Rossi',
    '24.02.25, 14:30 - Comune di Valdoria - URP: Iscrizione ricevuta, grazie.',
  ),
})

// 5. 4-digit year; a typed line that looks like a header with another glue stays text; --phone.
add({
  as: 'Chat WhatsApp con Roberto Gallo.txt',
  expected: {
    bytes: [],
    dateOrder: 'dmy',
    dateOrderReason: 'field-over-12',
    group: false,
    messages: 3,
    nearMisses: [],
    options: {phone: '+393331112233', selfNames: SELF_URP},
    platform: 'android',
    requests: [
      req(4, 'ON', 'Roberto Gallo', '2024-09-28T17:51:00+02:00', 'Roberto Gallo', '+393331112233', 'option', 'Servizio Info ON Roberto Gallo'),
    ],
    systemMessages: 0,
  },
  name: 'android-it-4digit-continuation',
  text: lf(
    "28/09/2024, 17:44 - Roberto Gallo: Buonasera, ho visto l'avviso del consiglio:",
    '16/04/2025 ore 21:00 - sala consiliare, giusto?',
    '28/09/2024, 17:50 - Comune di Valdoria - URP: Sì, confermato.',
    '28/09/2024, 17:51 - Roberto Gallo: Servizio Info ON Roberto Gallo',
  ),
})

// 6. en_CA: year first, a.m./p.m. after U+202F; every day and month <= 12.
add({
  as: 'WhatsApp Chat with Nadia Kowalski.txt',
  expected: {
    bytes: ['nnbsp'],
    dateOrder: 'ymd',
    dateOrderReason: 'year-first',
    group: false,
    messages: 3,
    nearMisses: [],
    options: {phone: null, selfNames: SELF_URP},
    platform: 'android',
    requests: [
      req(3, 'ON', 'Nadia Kowalski', '2025-04-02T14:15:00+02:00', 'Nadia Kowalski', null, null, 'Servizio Info ON Nadia Kowalski'),
    ],
    systemMessages: 0,
  },
  name: 'android-year-first',
  text: lf(
    `2025-03-05, 9:07${NNBSP}a.m. - Nadia Kowalski: Hello, I'm staying in Valdoria for the summer`,
    `2025-03-05, 9:30${NNBSP}a.m. - Comune di Valdoria - URP: Benvenuta! Per gli avvisi scriva Servizio Info ON Nome Cognome`,
    `2025-04-02, 2:15${NNBSP}p.m. - Nadia Kowalski: Servizio Info ON Nadia Kowalski`,
  ),
})

// 7. en_US: month first, decided by a second field above 12.
add({
  as: 'WhatsApp Chat with Emily Carter.txt',
  expected: {
    bytes: ['nnbsp'],
    dateOrder: 'mdy',
    dateOrderReason: 'field-over-12',
    group: false,
    messages: 4,
    nearMisses: [],
    options: {phone: null, selfNames: SELF_URP},
    platform: 'android',
    requests: [
      req(3, 'ON', 'Emily Carter', '2025-03-14T10:22:00+01:00', 'Emily Carter', null, null, 'Servizio Info ON Emily Carter'),
      req(4, 'OFF', null, '2025-04-02T18:45:00+02:00', 'Emily Carter', null, null, 'Servizio info off'),
    ],
    systemMessages: 0,
  },
  name: 'android-en-us',
  text: lf(
    `3/14/25, 10:03${NNBSP}AM - Emily Carter: Hi! Is this the town hall of Valdoria?`,
    `3/14/25, 10:20${NNBSP}AM - Comune di Valdoria - URP: Yes. Scriva Servizio Info ON e il suo nome per gli avvisi.`,
    `3/14/25, 10:22${NNBSP}AM - Emily Carter: Servizio Info ON Emily Carter`,
    `4/2/25, 6:45${NNBSP}PM - Emily Carter: Servizio info off`,
  ),
})

// 8. en_US small file, every field <= 12: upper-case AM/PM plus the English file prefix -> month first.
add({
  as: 'WhatsApp Chat with Mark Davis.txt',
  expected: {
    bytes: ['nnbsp'],
    dateOrder: 'mdy',
    dateOrderReason: 'locale',
    group: false,
    messages: 2,
    nearMisses: [],
    options: {phone: null, selfNames: SELF_URP},
    platform: 'android',
    requests: [
      req(1, 'ON', 'Mark Davis', '2025-04-02T18:45:00+02:00', 'Mark Davis', null, null, 'Servizio Info ON Mark Davis'),
    ],
    systemMessages: 0,
  },
  name: 'android-en-us-small',
  text: lf(
    `4/2/25, 6:45${NNBSP}PM - Mark Davis: Servizio Info ON Mark Davis`,
    `4/5/25, 9:10${NNBSP}AM - Mark Davis: Thanks!`,
  ),
})

// 9. de: dotted dates, German placeholder.
add({
  as: 'WhatsApp Chat mit Lukas Weber.txt',
  expected: {
    bytes: [],
    dateOrder: 'dmy',
    dateOrderReason: 'field-over-12',
    group: false,
    messages: 3,
    nearMisses: [],
    options: {phone: null, selfNames: SELF_URP},
    platform: 'android',
    requests: [
      req(3, 'ON', 'Lukas Weber', '2021-08-14T09:02:00+02:00', 'Lukas Weber', null, null, 'Servizio Info ON Lukas Weber'),
    ],
    systemMessages: 0,
  },
  name: 'android-de',
  text: lf(
    '03.08.21, 12:30 - Lukas Weber: Guten Tag, ich verbringe den Sommer in Valdoria',
    '03.08.21, 12:31 - Lukas Weber: <Medien ausgeschlossen>',
    '14.08.21, 09:02 - Lukas Weber: Servizio Info ON Lukas Weber',
  ),
})

// 10. es (LatAm) 12h: `p. m.` with U+00A0 inside and U+202F before it; unpadded day and month, 4-digit year.
add({
  as: 'Chat de WhatsApp con Lucía Fernández.txt',
  expected: {
    bytes: ['nnbsp', 'nbsp'],
    dateOrder: 'dmy',
    dateOrderReason: 'field-over-12',
    group: false,
    messages: 4,
    nearMisses: [],
    options: {phone: null, selfNames: SELF_URP},
    platform: 'android',
    requests: [
      req(3, 'ON', 'Lucía Fernández', '2025-03-14T20:21:00+01:00', 'Lucía Fernández', null, null, 'Servizio Info ON Lucía Fernández'),
    ],
    systemMessages: 0,
  },
  name: 'android-es-12h',
  text: lf(
    `14/3/2025, 8:15${NNBSP}p.${NBSP}m. - Lucía Fernández: Hola, ¿es el ayuntamiento de Valdoria?`,
    `14/3/2025, 8:20${NNBSP}p.${NBSP}m. - Comune di Valdoria - URP: Sì, buonasera. Per gli avvisi: Servizio Info ON Nome Cognome`,
    `14/3/2025, 8:21${NNBSP}p.${NBSP}m. - Lucía Fernández: Servizio Info ON Lucía Fernández`,
    `2/4/2025, 12:05${NNBSP}a.${NBSP}m. - Lucía Fernández: <Multimedia omitido>`,
  ),
})

// 11. fi: ` klo ` glue and dotted time.
add({
  as: 'Aino Virtanen.txt',
  expected: {
    bytes: [],
    dateOrder: 'dmy',
    dateOrderReason: 'field-over-12',
    group: false,
    messages: 2,
    nearMisses: [],
    options: {phone: null, selfNames: SELF_URP},
    platform: 'android',
    requests: [
      req(1, 'ON', 'Aino Virtanen', '2019-05-31T16:58:00+02:00', 'Aino Virtanen', null, null, 'Servizio Info ON Aino Virtanen'),
    ],
    systemMessages: 0,
  },
  name: 'android-fi-klo',
  text: lf(
    '31.5.2019 klo 16.58 - Aino Virtanen: Servizio Info ON Aino Virtanen',
    '1.6.2019 klo 9.05 - Comune di Valdoria - URP: Grazie, iscrizione ricevuta.',
  ),
})

// 12. Re-saved on Windows: BOM and \r\n everywhere; the very first message is a request.
add({
  as: 'Chat WhatsApp con +39 320 998 1122.txt',
  expected: {
    bytes: ['bom', 'crlf'],
    dateOrder: 'dmy',
    dateOrderReason: 'field-over-12',
    group: false,
    messages: 3,
    nearMisses: [],
    options: {phone: null, selfNames: SELF_URP},
    platform: 'android',
    requests: [
      req(1, 'ON', 'Sara Colombo', '2025-01-10T08:02:00+01:00', 'Sara Colombo', '+393209981122', 'title', 'Servizio Info ON Sara Colombo'),
    ],
    systemMessages: 0,
  },
  name: 'android-it-bom-crlf',
  text:
    BOM
    + crlf(
      '10/01/25, 08:02 - Sara Colombo: Servizio Info ON Sara Colombo',
      '10/01/25, 08:30 - Comune di Valdoria - URP: Ricevuto, grazie.',
      "21/01/25, 19:12 - Sara Colombo: Buonasera, domani c'è il mercato?",
      'Chiedo per mia madre',
    ),
})

// 13. Small file, every day <= 12, month changing more than the day: the Italian file prefix says day first.
add({
  as: 'Chat WhatsApp con Paolo Greco.txt',
  expected: {
    bytes: [],
    dateOrder: 'dmy',
    dateOrderReason: 'locale',
    group: false,
    messages: 3,
    nearMisses: [],
    options: {phone: null, selfNames: SELF_URP},
    platform: 'android',
    requests: [
      req(2, 'ON', 'Paolo Greco', '2025-02-10T09:05:00+01:00', 'Paolo Greco', null, null, 'Servizio Info ON Paolo Greco'),
      req(3, 'OFF', null, '2025-03-11T17:45:00+01:00', 'Paolo Greco', null, null, 'Servizio Info OFF'),
    ],
    systemMessages: 0,
  },
  name: 'android-it-small-days-locale',
  text: lf(
    '10/01/25, 09:00 - Paolo Greco: Buongiorno',
    '10/02/25, 09:05 - Paolo Greco: Servizio Info ON Paolo Greco',
    '11/03/25, 17:45 - Paolo Greco: Servizio Info OFF',
  ),
})

// 14. Same trap without any locale evidence: the deployment default (day first) decides.
add({
  as: 'richiesta.txt',
  expected: {
    bytes: [],
    dateOrder: 'dmy',
    dateOrderReason: 'default',
    group: false,
    messages: 2,
    nearMisses: [],
    options: {phone: null, selfNames: SELF_URP},
    platform: 'android',
    requests: [
      req(1, 'ON', 'Franco Neri', '2025-03-02T10:00:00+01:00', 'Franco Neri', null, null, 'Servizio Info ON Franco Neri'),
    ],
    systemMessages: 0,
  },
  name: 'android-small-days-default',
  text: lf(
    '02/03/25, 10:00 - Franco Neri: Servizio Info ON Franco Neri',
    '03/04/25, 11:00 - Franco Neri: Grazie',
  ),
})

// 15. Near misses, ON without a name, a colon after ON, the edit marker, a deleted message.
add({
  as: 'Chat WhatsApp con Anna Rizzo.txt',
  expected: {
    bytes: [],
    dateOrder: 'dmy',
    dateOrderReason: 'field-over-12',
    group: false,
    messages: 7,
    nearMisses: [1, 3],
    options: {phone: '+393335550199', selfNames: SELF_URP},
    platform: 'android',
    requests: [
      req(4, 'ON', null, '2025-05-20T10:04:00+02:00', 'Anna Rizzo', '+393335550199', 'option', 'Servizio Info ON'),
      req(5, 'ON', 'Anna Maria Rizzo', '2025-05-20T10:05:00+02:00', 'Anna Rizzo', '+393335550199', 'option', 'servizio info on: Anna Maria Rizzo. <Questo messaggio è stato modificato>'),
      req(6, 'OFF', null, '2025-05-21T18:30:00+02:00', 'Anna Rizzo', '+393335550199', 'option', 'Servizio Info OFF <Questo messaggio è stato modificato>'),
    ],
    systemMessages: 0,
  },
  name: 'android-it-edited-nearmiss',
  text: lf(
    '20/05/25, 10:00 - Anna Rizzo: Servizio Info online? Non ho capito come funziona',
    '20/05/25, 10:02 - Comune di Valdoria - URP: Deve scrivere esattamente: Servizio Info ON Nome Cognome',
    '20/05/25, 10:03 - Anna Rizzo: Come si fa il Servizio Info OFF?',
    '20/05/25, 10:04 - Anna Rizzo: Servizio Info ON',
    '20/05/25, 10:05 - Anna Rizzo: servizio info on: Anna Maria Rizzo. <Questo messaggio è stato modificato>',
    '21/05/25, 18:30 - Anna Rizzo: Servizio Info OFF <Questo messaggio è stato modificato>',
    '21/05/25, 18:31 - Anna Rizzo: Questo messaggio è stato eliminato',
  ),
})

// 16. Android group: system lines (one with ": " in a subject), numbers as authors; neither title nor --phone apply.
add({
  as: 'Chat WhatsApp con Valdoria Informa.txt',
  expected: {
    bytes: ['lre', 'pdf'],
    dateOrder: 'dmy',
    dateOrderReason: 'field-over-12',
    group: true,
    messages: 8,
    nearMisses: [],
    options: {phone: '+393330000001', selfNames: SELF_URP},
    platform: 'android',
    requests: [
      req(6, 'ON', 'Elena Marino', '2024-09-01T08:10:00+02:00', '+39 333 781 2244', '+393337812244', 'author', 'Servizio Info ON Elena Marino'),
      req(7, 'ON', 'Davide Costa', '2024-09-01T08:12:00+02:00', 'Davide Costa', null, null, 'Servizio Info ON Davide Costa'),
      req(8, 'OFF', null, '2024-09-15T12:00:00+02:00', 'Davide Costa', null, null, 'Servizio Info OFF'),
    ],
    systemMessages: 4,
  },
  name: 'android-it-group',
  text: lf(
    '01/09/24, 08:00 - I messaggi inviati a questo gruppo sono ora protetti con la crittografia end-to-end. Tocca per maggiori info.',
    '01/09/24, 08:00 - Hai creato il gruppo "Valdoria Informa"',
    `01/09/24, 08:01 - Hai aggiunto ${LRE}+39 333 781 2244${PDF}`,
    '01/09/24, 08:01 - Hai cambiato l\'oggetto da "Valdoria Informa" a "Valdoria Informa: avvisi"',
    '01/09/24, 08:02 - Comune di Valdoria - URP: Benvenuti! Per ricevere gli avvisi in privato scrivete Servizio Info ON Nome Cognome',
    `01/09/24, 08:10 - ${LRE}+39 333 781 2244${PDF}: Servizio Info ON Elena Marino`,
    '01/09/24, 08:12 - Davide Costa: Servizio Info ON Davide Costa',
    '15/09/24, 12:00 - Davide Costa: Servizio Info OFF',
  ),
})

// 17. iOS group: system lines attributed to people and to the group (U+200E), a `~ name` author with U+202F.
add({
  as: 'WhatsApp Chat - Consulta Giovani/_chat.txt',
  expected: {
    bytes: ['crlf', 'lrm', 'nnbsp'],
    dateOrder: 'dmy',
    dateOrderReason: 'field-over-12',
    group: true,
    messages: 7,
    nearMisses: [4],
    options: {phone: null, selfNames: ['Comune di Valdoria']},
    platform: 'ios',
    requests: [
      req(5, 'ON', 'Carolina Esposito', '2024-08-14T21:03:05+02:00', 'Carolina', null, null, 'Servizio Info ON Carolina Esposito'),
    ],
    systemMessages: 3,
  },
  name: 'ios-it-group-system',
  text: ios(
    [`[14/08/24, 21:00:10] Consulta Giovani: ${LRM}${ENCRYPTED_IT}`],
    [`[14/08/24, 21:00:10] Luca Moretti: ${LRM}Luca Moretti ha creato il gruppo “Consulta Giovani”`],
    [`[14/08/24, 21:00:11] Consulta Giovani: ${LRM}Luca Moretti ti ha aggiunto`],
    ['[14/08/24, 21:02:45] Luca Moretti: Ma il Servizio Info ON vale anche per i gruppi?'],
    [`[14/08/24, 21:03:05] ~${NNBSP}Carolina: Servizio Info ON Carolina Esposito`],
    [`${LRM}[14/08/24, 21:04:00] ~${NNBSP}Carolina: ${LRM}immagine omessa`],
    ['[15/08/24, 09:15:30] Comune di Valdoria: Buongiorno, le iscrizioni vanno fatte in privato.'],
  ),
})

// 18. Old export layout `date time: author: text` (2012-2016).
add({
  as: 'Chat WhatsApp con Marta Bruno.txt',
  expected: {
    bytes: [],
    dateOrder: 'dmy',
    dateOrderReason: 'locale',
    group: false,
    messages: 2,
    nearMisses: [],
    options: {phone: null, selfNames: SELF_URP},
    platform: 'legacy',
    requests: [
      req(1, 'ON', 'Marta Bruno', '2012-12-09T17:03:48+01:00', 'Marta Bruno', null, null, 'Servizio Info ON Marta Bruno'),
    ],
    systemMessages: 0,
  },
  name: 'android-legacy',
  text: lf(
    '09/12/2012 17:03:48: Marta Bruno: Servizio Info ON Marta Bruno',
    '09/12/2012 17:10:02: Comune di Valdoria - URP: Ricevuto',
  ),
})

// 19. Android zip with media: the chat text is read, the media are not extracted.
const androidZipText = lf(
  `20/03/25, 11:02 - ${LRE}+39 333 765 4321${PDF}: ${LRM}IMG-20250320-WA0004.jpg (file allegato)`,
  'Foto della buca in via Garibaldi',
  `20/03/25, 11:03 - ${LRE}+39 333 765 4321${PDF}: Servizio Info ON Matteo Greco`,
  `20/03/25, 11:04 - ${LRE}+39 333 765 4321${PDF}: ${LRM}PTT-20250320-WA0005.opus (file allegato)`,
  '20/03/25, 11:30 - Comune di Valdoria - URP: Grazie della segnalazione, iscrizione ricevuta.',
)
add({
  as: 'Chat WhatsApp con +39 333 765 4321.zip',
  expected: {
    bytes: ['lre', 'pdf', 'lrm'],
    dateOrder: 'dmy',
    dateOrderReason: 'field-over-12',
    group: false,
    messages: 4,
    nearMisses: [],
    options: {phone: null, selfNames: SELF_URP},
    platform: 'android',
    requests: [
      req(3, 'ON', 'Matteo Greco', '2025-03-20T11:03:00+01:00', '+39 333 765 4321', '+393337654321', 'author', 'Servizio Info ON Matteo Greco'),
    ],
    systemMessages: 0,
  },
  ext: 'zip',
  name: 'zip-android-media',
  zip: [
    ['Chat WhatsApp con +39 333 765 4321.txt', androidZipText],
    ['IMG-20250320-WA0004.jpg', Buffer.from([0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, 0x4A, 0x46, 0x49, 0x46, 0x00, 0xFF, 0xD9])],
    ['PTT-20250320-WA0005.opus', Buffer.from('OggS\u0000\u0002fake-opus', 'latin1')],
  ],
})

// 20. iOS zip `_chat.txt` plus a photo and macOS junk; the zip was renamed with the number; days <= 12 (Italian text decides).
add({
  as: 'WhatsApp Chat - +39 338 456 1290.zip',
  expected: {
    bytes: ['crlf', 'lrm'],
    dateOrder: 'dmy',
    dateOrderReason: 'locale',
    group: false,
    messages: 3,
    nearMisses: [],
    options: {phone: null, selfNames: ['Comune di Valdoria']},
    platform: 'ios',
    requests: [
      req(2, 'ON', 'Elisa Conti', '2025-05-03T09:08:10+02:00', 'Elisa Conti', '+393384561290', 'title', 'Servizio Info ON Elisa Conti'),
    ],
    systemMessages: 0,
  },
  ext: 'zip',
  name: 'zip-ios-chat',
  zip: [
    [
      '_chat.txt',
      ios(
        [`${LRM}[03/05/25, 09:07:02] Elisa Conti: ${LRM}<allegato: 00000003-PHOTO-2025-05-03-09-07-02.jpg>`],
        ['[03/05/25, 09:08:10] Elisa Conti: Servizio Info ON Elisa Conti'],
        ['[03/05/25, 09:10:00] Comune di Valdoria: Iscrizione ricevuta 👍'],
      ),
    ],
    ['00000003-PHOTO-2025-05-03-09-07-02.jpg', Buffer.from([0xFF, 0xD8, 0xFF, 0xE1, 0x00, 0x00, 0xFF, 0xD9])],
    ['__MACOSX/._chat.txt', Buffer.from([0x00, 0x05, 0x16, 0x07, 0x00, 0x02, 0x00, 0x00, 0x4D, 0x61, 0x63])],
  ],
})

// 21. A zip delivered with a .txt name (WA-Reader #42): recognised by its signature.
add({
  as: 'Chat WhatsApp con Giorgio Ricci.txt',
  expected: {
    bytes: [],
    dateOrder: 'dmy',
    dateOrderReason: 'field-over-12',
    group: false,
    messages: 2,
    nearMisses: [],
    options: {phone: null, selfNames: SELF_URP},
    platform: 'android',
    requests: [
      req(1, 'ON', 'Giorgio Ricci', '2024-11-18T16:20:00+01:00', 'Giorgio Ricci', null, null, 'Servizio Info ON Giorgio Ricci'),
    ],
    systemMessages: 0,
  },
  ext: 'txt',
  name: 'zip-named-txt',
  zip: [
    [
      'Chat WhatsApp con Giorgio Ricci.txt',
      lf(
        '18/11/24, 16:20 - Giorgio Ricci: Servizio Info ON Giorgio Ricci',
        '18/11/24, 16:25 - Comune di Valdoria - URP: Ricevuto, grazie.',
      ),
    ],
  ],
})

function writeZip(path, entries) {
  return new Promise((resolve, reject) => {
    const zip = new yazl.ZipFile()
    for (const [name, content] of entries) {
      zip.addBuffer(Buffer.isBuffer(content) ? content : Buffer.from(content, 'utf8'), name, {mode: 0o10_0644, mtime: MTIME})
    }

    zip.outputStream.pipe(createWriteStream(path)).on('close', resolve).on('error', reject)
    zip.end()
  })
}

for (const f of fixtures) {
  const file = `${f.name}.${f.ext ?? 'txt'}`
  if (f.zip) await writeZip(join(root, file), f.zip)
  else writeFileSync(join(root, file), f.text, 'utf8')
  const expected = {
    as: f.as, container: f.zip ? 'zip' : 'txt', file, keyword: 'Servizio Info', ...f.expected,
  }
  writeFileSync(join(root, `${f.name}.expected.json`), JSON.stringify(expected, null, 2) + '\n', 'utf8')
}

console.log(`${fixtures.length} fixtures written to ${root}`)
