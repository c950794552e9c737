// Generates a realistic Italian Android "Esporta chat" text (it_IT, 24h, dd/mm/yy) for benchmarks.
// Deterministic for a given seed. Plain ESM, no dependencies.

const LRE = '\u202A'
const PDF = '\u202C'

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
  'Roberto']
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
  'Barbieri']

const LINES = [
  'Buongiorno, a che ora apre l\'ufficio anagrafe domani?',
  'Grazie mille 🙏',
  'La raccolta della carta è stata spostata a giovedì?',
  'Ok perfetto',
  'Buonasera, segnalo un lampione spento in via Roma all\'altezza del civico 12',
  'Si può pagare la TARI anche in posta?',
  'A che ora è il consiglio comunale?',
  'Va bene, grazie per l\'informazione',
  'Domani passo in comune per la carta d\'identità',
  'C\'è ancora posto per il centro estivo?',
  'Servizio Info online? Non capisco come funziona',
  'Buongiorno 👋',
  'Scusate il disturbo, la strada per la frazione è aperta?',
  'Ricevuto, grazie',
]

const COMUNE_LINES = [
  'Buongiorno, l\'ufficio anagrafe è aperto dal lunedì al venerdì dalle 9:00 alle 12:30.',
  'Grazie per la segnalazione, abbiamo avvisato l\'ufficio tecnico.',
  'Avviso: domani mattina interruzione dell\'acqua in via Garibaldi dalle 8 alle 12.',
  'Per iscriverti al servizio scrivi: Servizio Info ON Nome Cognome',
  'Il consiglio comunale si terrà giovedì alle 20:30 in sala consiliare.',
]

const pad = n => String(n).padStart(2, '0')

/**
 * @param {number} messages number of messages to write
 * @param {number} [seed]
 * @returns {string}
 */
export function generateChat(messages, seed = 1) {
  const rnd = mulberry32(seed)
  const pick = arr => arr[Math.floor(rnd() * arr.length)]
  const citizens = []
  for (let i = 0; i < 40; i++) {
    if (i % 5 === 4) {
      const n = 1_000_000 + Math.floor(rnd() * 8_999_999)
      const s = String(n)
      citizens.push(`${LRE}+39 333 ${s.slice(0, 3)} ${s.slice(3)}${PDF}`)
    } else {
      citizens.push(`${pick(FIRST)} ${pick(LAST)}`)
    }
  }

  const self = 'Comune di Valdoria - URP'
  let t = Date.UTC(2023, 0, 9, 8, 0) // walked as a wall clock, no zone
  const out = []
  const header = () => {
    const d = new Date(t)
    return `${pad(d.getUTCDate())}/${pad(d.getUTCMonth() + 1)}/${pad(d.getUTCFullYear() % 100)}, ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())} - `
  }

  out.push(header() + 'I messaggi e le chiamate sono crittografati end-to-end. Nessuno al di fuori di questa chat, nemmeno WhatsApp, può leggerne o ascoltarne il contenuto. Tocca per saperne di più.')
  for (let i = 1; i < messages; i++) {
    t += Math.floor(rnd() * 40 * 60_000)
    const fromSelf = rnd() < 0.25
    const author = fromSelf ? self : pick(citizens)
    const r = rnd()
    let text
    if (fromSelf) {
      text = pick(COMUNE_LINES)
      if (r < 0.1) text += '\nPer informazioni: 0364 123456\nUfficio URP'
    } else if (r < 0.08) {
      text = '<Media omessi>'
    } else if (r < 0.1) {
      text = 'Questo messaggio è stato eliminato'
    } else if (r < 0.12) {
      text = `Servizio Info ON ${pick(FIRST)} ${pick(LAST)}`
    } else if (r < 0.125) {
      text = 'Servizio Info OFF'
    } else if (r < 0.2) {
      text = `${pick(LINES)}\n${pick(LINES)}\n\n${pick(LINES)}`
    } else if (r < 0.23) {
      text = `${pick(LINES)} <Questo messaggio è stato modificato>`
    } else {
      text = pick(LINES)
    }

    out.push(header() + author + ': ' + text)
  }

  return out.join('\n') + '\n'
}
