/**
 * Sentences about notices with a title, an attachment and a cost (issue 17). Pure data, like it.ts.
 */
import {type ErrorParams} from '../core/errors.js'

type P = ErrorParams
const s = (v: number | string | undefined) => (v === undefined ? '' : String(v))

const MIME_WORDS: Record<string, string> = {
  'application/pdf': 'un documento PDF',
  'image/jpeg': "un'immagine JPEG",
  'image/png': "un'immagine PNG",
}

const HEADER_WORDS: Record<string, string> = {
  document: 'un documento PDF',
  image: "un'immagine (JPEG o PNG)",
  none: 'nessuna intestazione',
  text: 'un titolo di testo',
  unsupported: 'un tipo di intestazione che questo programma non sa riempire (video o posizione)',
}

/** "1,2 MB", "350 KB", "812 byte". */
export function fileSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} byte`
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`
  return `${(bytes / (1024 * 1024)).toFixed(1).replace('.', ',')} MB`
}

/** A character shown safely: printable as itself, anything else as its code point. */
function visible(ch: string): string {
  const code = ch.codePointAt(0) ?? 0
  return code < 0x20 || (code >= 0x7F && code <= 0x9F) ? `U+${code.toString(16).toUpperCase().padStart(4, '0')}` : `"${ch}"`
}

/** NOTICE_INVALID problems about the title (the first line), or undefined for another problem. */
export function titleProblem(p: P): string | undefined {
  switch (p.problem) {
  case 'titleFormatting': {
    return `il titolo (riga ${s(p.line)}: "${s(p.title)}") contiene il carattere ${visible(s(p.char))}, che l'intestazione del modello non ammette (niente grassetto, corsivo, barrato o caratteri di controllo). Toglierlo dalla prima riga.`
  }

  case 'titleMissing': {
    return 'il modello ha un titolo, ma il file è vuoto.'
  }

  case 'titleTooLong': {
    return `il modello ha un titolo e la prima riga del file ne fa da titolo, ma la riga ${s(p.line)} è lunga ${s(p.length)} caratteri (massimo ${s(p.max)}): "${s(p.title)}". Accorciarla, e mettere il resto nelle righe seguenti.`
  }

  case 'titleWithoutBody': {
    return `il modello ha un titolo (la prima riga, riga ${s(p.line)}) e un testo: dopo il titolo manca il testo dell'avviso.`
  }

  default: {
    return undefined
  }
  }
}

const ATTACHMENT_PROBLEMS: Record<string, (p: P) => string> = {
  attachNotWanted: p =>
    `il modello "${s(p.template)}" non ha un'immagine o un documento nell'intestazione (ha ${HEADER_WORDS[s(p.header)] ?? s(p.header)}), quindi non può portare un allegato. Togliere --attach, oppure scegliere con --template un modello approvato con intestazione immagine o documento.`,
  attachRequired: p =>
    `il modello "${s(p.template)}" ha nell'intestazione ${HEADER_WORDS[s(p.header)] ?? s(p.header)}: indicare il file con --attach <file> (${s(p.header) === 'image' ? 'JPEG o PNG, al massimo 5 MB' : 'PDF, al massimo 100 MB'}), oppure scegliere con --template un modello senza allegato.`,
  changed: p =>
    `il file non è più quello caricato all'inizio dell'invio (è stato modificato o sostituito). L'invio ${s(p.id)} deve mandare a tutti lo stesso allegato: rimettere il file originale, oppure indicarlo con --attach <file>.`,
  empty: () => 'il file è vuoto.',
  kindMismatch: p =>
    `il file è ${MIME_WORDS[s(p.found)] ?? s(p.found)} (lo dice il suo contenuto, qualunque sia l'estensione), ma il modello "${s(p.template)}" vuole nell'intestazione ${HEADER_WORDS[s(p.header)] ?? s(p.header)}. Indicare con --attach un file del tipo giusto, oppure scegliere con --template un modello con intestazione ${s(p.header) === 'image' ? 'documento' : 'immagine'}.`,
  missing: () => 'il file non esiste.',
  missingOnResume: p =>
    `il file dell'allegato non c'è più e il suo identificativo su WhatsApp è scaduto (dura 30 giorni) o non è mai stato registrato, quindi va caricato di nuovo. Riprendere indicando lo stesso file: cerveno-info broadcast --resume ${s(p.id)} --attach <file>`,
  notAFile: () => 'non è un file (è una cartella?).',
  png: p =>
    `l'immagine PNG ${s(p.detail) === 'bitDepth' ? 'non è a 8 bit per colore' : 'non è a colori RGB o RGBA (è in scala di grigi o a tavolozza)'}, e WhatsApp la rifiuterebbe. Salvarla di nuovo come PNG a colori (RGB) oppure come JPEG.`,
  tooBig: p =>
    `il file è di ${fileSize(Number(p.size))}: WhatsApp accetta ${s(p.kind) === 'image' ? 'immagini' : 'documenti'} fino a ${fileSize(Number(p.max))}. Ridurne la dimensione.`,
  unknownType: () => 'il file non è un JPEG, un PNG o un PDF (lo dice il suo contenuto, qualunque sia l\'estensione). Allegare solo immagini JPEG o PNG, o documenti PDF.',
  unreadable: () => 'il file non si può leggere (permessi?).',
  withText: () => "--attach non si usa con --text: l'allegato va nell'intestazione del modello.",
}

/** ATTACHMENT_INVALID (exit 3) and ATTACHMENT_MISMATCH (exit 2). */
export function attachmentError(p: P): string {
  const text = ATTACHMENT_PROBLEMS[s(p.problem)]?.(p) ?? `problema "${s(p.problem)}".`
  return p.file === undefined ? `Allegato non valido: ${text}` : `Allegato non valido (${s(p.file)}): ${text}`
}

/** MEDIA_UPLOAD_FAILED (exit 5). */
export function mediaUploadError(p: P): string {
  const code = p.code === undefined ? '' : ` (codice ${s(p.code)})`
  const detail = p.details ? ` Dettaglio di WhatsApp: ${s(p.details)}.` : ''
  const hint = s(p.code) === '131053'
    ? ' WhatsApp dice che il tipo del file non corrisponde al contenuto: salvarlo di nuovo (PDF, JPEG o PNG) e riprovare.'
    : ' Controllare la connessione e il token, poi riprovare.'
  const resume = p.id ? ` Nessun messaggio è stato inviato; per riprendere: cerveno-info broadcast --resume ${s(p.id)}` : ''
  return `Caricamento dell'allegato su WhatsApp non riuscito${code}.${hint}${detail}${resume}`
}

const KIND_WORDS: Record<string, string> = {document: 'documento PDF', image: 'immagine'}

export const notices = {
  attachFlag:
    "Allega un'immagine (JPEG o PNG, fino a 5 MB) o un documento PDF (fino a 100 MB) all'intestazione del modello. Il tipo si riconosce dal contenuto del file. Il file si carica su WhatsApp una volta sola per invio.",
  /** The preview's attachment line. */
  attachment: (a: {fileName: string; kind: string; mime: string; size: number}) =>
    `Allegato (intestazione del modello): ${KIND_WORDS[a.kind] ?? a.kind}${a.kind === 'image' ? ` ${a.mime === 'image/png' ? 'PNG' : 'JPEG'}` : ''} "${a.fileName}", ${fileSize(a.size)}.${a.kind === 'document' ? ' Il cittadino lo riceve con questo nome.' : ''}`,
  /** The attachment as the whole-message preview shows it, in place of the header. */
  attachmentMarker: (a: {fileName: string; kind: string; size: number}) => `[${KIND_WORDS[a.kind] ?? a.kind} "${a.fileName}", ${fileSize(a.size)}]`,
  /** A figure such as "600 × € 0,0354 = € 21,24". */
  costActual: (figure: string) => `Costo effettivo (messaggi consegnati, dalle notifiche di stato importate): ${figure}`,
  costActualNone: 'Costo effettivo: ancora nessuna notifica di consegna importata ("cerveno-info import").',
  costEstimated: (figure: string) => `Costo stimato: ${figure}`,
  costNote: 'Meta addebita ogni messaggio consegnato; la tariffa è pricePerMessage in config.json.',
  mediaPlaceholder: "L'identificativo dell'allegato ({MEDIA_ID}) sarà quello dato da WhatsApp al caricamento.",
  mediaReused: (at: string) => `Allegato già caricato su WhatsApp il ${at}: si usa lo stesso (vale 30 giorni).`,
  mediaToUpload: (expired: boolean) =>
    expired
      ? "L'allegato caricato su WhatsApp ha più di 30 giorni ed è scaduto: sarà caricato di nuovo prima di riprendere."
      : "L'allegato sarà caricato su WhatsApp una volta sola, prima del primo messaggio.",
  monthCost: (v: {messages: string; month: string; pending: number; total: string}) =>
    `Costo dei messaggi consegnati in ${v.month}: ${v.total} (${v.messages} messaggi).${v.pending > 0 ? ` Non compresi ${v.pending} invii di cui non sono ancora state importate le notifiche di stato ("cerveno-info import").` : ''}`,
  /** The preview's title line. */
  title: (title: string) => `Titolo (intestazione del modello, dalla prima riga del file): ${title}`,
}
