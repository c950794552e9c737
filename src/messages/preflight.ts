/**
 * The sentences of `login`, `logout`, `doctor` and of the whole-message preview of `broadcast` (issue #16).
 * Pure data, Italian values.
 */
import {type ErrorParams} from '../core/errors.js'

type P = ErrorParams
type D = Record<string, unknown>
const s = (v: unknown) => (v === undefined || v === null ? '' : String(v))
const nf = new Intl.NumberFormat('it-IT')
const num = (v: unknown) => (typeof v === 'number' ? nf.format(v) : s(v))

const STATUS_WORDS: Record<string, string> = {
  APPROVED: 'approvato',
  DELETED: 'cancellato',
  DISABLED: 'disattivato da Meta',
  IN_APPEAL: 'in attesa dell\'esito del ricorso',
  LIMIT_EXCEEDED: 'oltre il numero di modelli consentiti',
  PAUSED: 'sospeso da Meta per la bassa qualità',
  PENDING: 'in attesa di approvazione',
  PENDING_DELETION: 'in cancellazione',
  REJECTED: 'rifiutato da Meta',
}

const MEDIA_WORDS: Record<string, string> = {
  document: 'un documento', image: "un'immagine", location: 'una posizione', video: 'un video',
}

/** Why a template cannot carry the notice (codes of core/broadcast/template.ts TemplateProblem). */
export function templateProblem(p: D): string {
  switch (p.code ?? p.problem) {
  case 'bodyMissing': {
    return 'il modello non ha un testo (corpo)'
  }

  case 'bodyTooLong': {
    return `il messaggio con l'avviso inserito è di ${num(p.length)} caratteri, WhatsApp ne accetta al massimo ${num(p.max)}: accorciare l'avviso`
  }

  case 'buttonVariable': {
    return `il pulsante n. ${num(Number(p.index) + 1)} ha un indirizzo con una variabile, che l'avviso non può riempire`
  }

  case 'fixedInvalid': {
    return `il valore di {{${s(p.variable)}}} in config.json (template.parameters) è vuoto o contiene a capo, tabulazioni o più di 4 spazi di fila`
  }

  case 'headerMedia': {
    return `l'intestazione del modello è ${MEDIA_WORDS[s(p.kind)] ?? s(p.kind)}, da allegare a ogni invio`
  }

  case 'headerVariable': {
    return "l'intestazione del modello ha una variabile che l'avviso non riempie"
  }

  case 'noticeVariable': {
    return Number(p.count) === 0
      ? "il testo del modello non ha variabili: non c'è posto per l'avviso"
      : `il testo del modello ha ${num(p.count)} variabili senza valore (${s(p.variables)}), mentre l'avviso ne riempie una sola: indicare le altre in config.json, per esempio "template": {"parameters": {"2": "Comune di Cerveno"}}`
  }

  default: {
    return `problema "${s(p.code ?? p.problem)}"`
  }
  }
}

export const preflightErrors = {
  CREDENTIAL_STORE_UNAVAILABLE: (p: P) =>
    `Il portachiavi del sistema non è disponibile (${s(p.reason)}). Su un server senza sessione grafica impostare invece la variabile di ambiente WHATSAPP_TOKEN (e WHATSAPP_APP_SECRET per il ricevitore) prima di avviare cerveno-info.`,
  TEMPLATE_MISMATCH: (p: P) =>
    `Il modello "${s(p.name)}" (${s(p.language)}) non corrisponde all'avviso: ${templateProblem(p)}. Nessun messaggio è stato inviato. Controllare con "cerveno-info doctor".`,
  TOKEN_REFUSED: (p: P) =>
    `WhatsApp ha rifiutato il token (codice ${s(p.code)}): è scaduto o non è valido, e non è stato salvato. Generarne uno nuovo per l'utente di sistema in Meta Business Manager.`,
  WHATSAPP_NOT_READY: (p: P) =>
    `Invio non avviato: ${s(p.problems)} Nessun messaggio è stato inviato. Dettagli con "cerveno-info doctor".`,
}

export const login = {
  appSecretPrompt: "Chiave segreta dell'app (App Secret), non verrà mostrata:",
  appSecretStored: "Chiave segreta dell'app salvata nel portachiavi del sistema. La variabile WHATSAPP_APP_SECRET, se impostata, ha la precedenza.",
  checking: 'Verifica del token con WhatsApp…',
  description:
    "Chiede il token di accesso dell'utente di sistema (senza mostrarlo), lo verifica leggendo i dati del numero del Comune e lo salva nel portachiavi del sistema operativo (Gestione credenziali di Windows, Portachiavi di macOS, Secret Service su Linux): non va più scritto a ogni avvio. La variabile WHATSAPP_TOKEN, se impostata, ha sempre la precedenza. Con --app-secret salva invece la chiave segreta dell'app, usata dal ricevitore dei webhook.",
  empty: 'Il valore non può essere vuoto né contenere spazi.',
  flags: {appSecret: "Salva la chiave segreta dell'app (WHATSAPP_APP_SECRET) invece del token."},
  noTtyHint: 'Il token si digita in un terminale interattivo; in alternativa impostare la variabile WHATSAPP_TOKEN.',
  stored: (v: {displayPhoneNumber?: string; verifiedName?: string}) =>
    `Token valido${v.displayPhoneNumber ? ` per il numero ${v.displayPhoneNumber}` : ''}${v.verifiedName ? ` (${v.verifiedName})` : ''}: salvato nel portachiavi del sistema. La variabile WHATSAPP_TOKEN, se impostata, ha la precedenza.`,
  summary: 'Salva il token di accesso nel portachiavi del sistema.',
  tokenPrompt: "Token di accesso dell'utente di sistema (non verrà mostrato):",
}

export const logout = {
  description: 'Toglie dal portachiavi del sistema il token di accesso e la chiave segreta dell\'app salvati con "cerveno-info login". Le variabili di ambiente non cambiano.',
  nothing: 'Nel portachiavi del sistema non c\'era nulla di cerveno-info.',
  removed: (names: string[]) => `Tolti dal portachiavi del sistema: ${names.map(n => (n === 'WHATSAPP_TOKEN' ? 'token di accesso' : "chiave segreta dell'app")).join(', ')}.`,
  summary: 'Toglie token e chiave segreta dal portachiavi del sistema.',
}

const date = (v: unknown) => (typeof v === 'string' ? v.replace('T', ' ').slice(0, 16) : '')

/** One sentence per finding code (core/preflight.ts and app/doctor.ts). */
export const findings: Record<string, (d: D) => string> = {
  apiError: d => `WhatsApp ha risposto con un errore${d.code === undefined ? '' : ` (codice ${s(d.code)})`}: ${s(d.details ?? d.title ?? '')} Riprovare più tardi; se si ripete, segnalarlo all'assistenza informatica.`,
  configBadPhoneId: () =>
    "L'identificativo del numero (WHATSAPP_PHONE_NUMBER_ID o phoneNumberId in config.json) deve contenere solo cifre: è l'identificativo indicato in WhatsApp Manager, non il numero di telefono né il token.",
  configInvalid: d => s(d.message),
  configMissingPhoneId: () => "Manca l'identificativo del numero del Comune: impostare WHATSAPP_PHONE_NUMBER_ID o phoneNumberId in config.json (WhatsApp Manager › Numeri di telefono).",
  configOk: d => `config.json completo: modello "${s(d.template)}" in lingua "${s(d.language)}", identificativo del numero ${s(d.phoneNumberId)}.`,
  configTemplateMissing: () => 'Mancano il nome o la lingua del modello in config.json (template.name, template.language).',
  connected: d => `Numero ${s(d.displayPhoneNumber)}${d.verifiedName ? ` (${s(d.verifiedName)})` : ''} collegato alla Cloud API.`,
  folderInvalid: d => `${s(d.message)}`,
  folderMissing: d => `La cartella dati ${s(d.dir)} non è pronta: eseguire "cerveno-info init".`,
  folderOk: d => `Cartella dati ${s(d.dir)}: file validi, accessibili solo all'utente.`,
  folderOrphanApprovals: d =>
    `Cartella dati ${s(d.dir)}: ${Number(d.count) === 1 ? 'una richiesta risulta approvata' : `${s(d.count)} richieste risultano approvate`} in richieste.csv ma il numero non è in iscritti.csv (${s(d.ids)}${Number(d.count) > 5 ? ', …' : ''}): gli avvisi non gli arrivano. Controllare le righe (modificate a mano?) e iscrivere il numero con "cerveno-info subscribers add" se è giusto.`,
  folderPermissions: d => `Cartella dati ${s(d.dir)}: ${s(d.files)} ${Number(d.count) === 1 ? 'è leggibile' : 'sono leggibili'} da altri utenti del computer. Renderli privati (chmod 700 per le cartelle, 600 per i file).`,
  limitBelow: d => `Limite giornaliero WhatsApp: ${num(d.limit)} destinatari nelle 24 ore (${s(d.tier)}), ma gli iscritti attivi sono ${num(d.activeSubscribers)}: un avviso a tutti supera il limite. Dividere l'invio o far alzare il limite da Meta (verifica dell'attività).`,
  limitOk: d => `Limite giornaliero WhatsApp: ${d.limit === null ? 'illimitato' : `${num(d.limit)} destinatari nelle 24 ore`} (${s(d.tier)}); iscritti attivi: ${num(d.activeSubscribers)}.`,
  limitUnknown: d => `Limite giornaliero WhatsApp non indicato (${s(d.tier) || 'nessun valore'}): verificarlo in WhatsApp Manager.`,
  nodeOk: d => `Node.js ${s(d.version)}.`,
  nodeOld: d => `Node.js ${s(d.version)} è troppo vecchio: serve la versione 20.9 o successiva (nodejs.org).`,
  notChecked: () => 'Non verificato: mancano il token o l\'identificativo del numero.',
  notConnected: d => `Il numero ${s(d.displayPhoneNumber)} non è collegato alla Cloud API (stato ${s(d.status) || 'sconosciuto'}): completarne la registrazione in WhatsApp Manager.`,
  qualityGreen: () => 'Qualità del numero: alta (GREEN).',
  qualityRed: () => 'Qualità del numero: bassa (RED): WhatsApp sta per limitare il numero. Sospendere gli invii e controllare in WhatsApp Manager.',
  qualityUnknown: () => 'Qualità del numero non ancora valutata da WhatsApp.',
  qualityYellow: () => 'Qualità del numero: media (YELLOW): troppi cittadini bloccano o segnalano i messaggi. Inviare solo avvisi utili e controllare in WhatsApp Manager.',
  skipped: () => 'Non verificato: vedere la riga del numero qui sopra.',
  templateMarketing: d => `Il modello "${s(d.name)}" è di categoria MARKETING: costa di più e WhatsApp può limitarne la consegna. Per gli avvisi di servizio chiedere la categoria UTILITY.`,
  templateMedia: d => `Il modello "${s(d.name)}" è approvato, ma ${templateProblem(d)}.`,
  templateNotChecked: () => 'Modello non verificato: mancano il token o l\'identificativo del numero, e non ce n\'è una copia.',
  templateNotFound: d => `Il modello "${s(d.name)}" non esiste nella lingua "${s(d.language)}"${d.languages ? ` (esiste in: ${s(d.languages)})` : ''}: controllare template.name e template.language in config.json.`,
  templateOk: d => `Modello "${s(d.name)}" (${s(d.language)}) approvato, categoria ${s(d.category)}, riempibile con l'avviso${d.source === 'cache' ? ` (copia del ${date(d.fetchedAt)})` : ''}.`,
  templateStatus: d => `Il modello "${s(d.name)}" è ${STATUS_WORDS[s(d.status).toUpperCase()] ?? `nello stato ${s(d.status)}`} (${s(d.status)}): WhatsApp rifiuterebbe ogni invio. Controllarlo in WhatsApp Manager › Modelli di messaggio.`,
  templateUnfillable: d => `Il modello "${s(d.name)}" non può contenere l'avviso: ${templateProblem(d)}.`,
  tokenEnv: () => 'Token di accesso presente (variabile WHATSAPP_TOKEN).',
  tokenMissing: d => `Manca il token di accesso: salvarlo con "cerveno-info login" oppure impostare la variabile WHATSAPP_TOKEN.${d.storeProblem ? ` (Portachiavi del sistema non disponibile: ${s(d.storeProblem)}.)` : ''}`,
  tokenRefused: d => `WhatsApp ha rifiutato il token (codice ${s(d.code)}): è scaduto o non è valido. Generarne uno nuovo in Meta Business Manager e salvarlo con "cerveno-info login".`,
  tokenStore: () => 'Token di accesso presente (portachiavi del sistema, salvato con "cerveno-info login").',
  unreachable: d => `WhatsApp non risponde (${s(d.transportCode ?? d.kind)}): controllare la connessione a internet e riprovare.`,
  wabaMissing: () => "Modello non verificato: manca l'identificativo dell'account WhatsApp Business. Impostare WHATSAPP_BUSINESS_ACCOUNT_ID o wabaId in config.json (Meta Business Manager › Account WhatsApp, oppure il campo entry[].id di un webhook ricevuto).",
  webhookDown: d => `Il ricevitore dei webhook non risponde a ${s(d.url)} (${d.reason === 'invalid-url' ? 'indirizzo non valido' : s(d.reason)}): messaggi e stati di consegna non arrivano. Controllare che "cerveno-info webhook serve" sia in esecuzione.`,
  webhookOff: () => 'Ricevitore dei webhook non configurato (webhookUrl in config.json): facoltativo.',
  webhookOk: d => `Il ricevitore dei webhook risponde (${s(d.url)}).`,
}

export const doctor = {
  allGood: "Tutto pronto per l'invio.",
  description:
    "Controlla, uno per riga, tutto ciò che serve per inviare un avviso: versione di Node.js, cartella dati, config.json, token, il numero del Comune (stato, qualità, limite giornaliero), il modello (approvazione, categoria, variabili) e il ricevitore dei webhook. ✔ a posto, ⚠ da guardare, ✖ da risolvere prima di inviare. Legge soltanto: non modifica nulla su WhatsApp. Esce con 0 se l'invio può partire, 5 se WhatsApp rifiuta qualcosa, 6 se manca la configurazione.",
  errors: 'Ci sono problemi da risolvere prima di inviare (righe con ✖).',
  summary: "Controlla che tutto sia pronto per l'invio.",
  warnings: "L'invio può partire, ma guardare le righe con ⚠.",
}

export const SYMBOLS = {error: '✖', ok: '✔', warning: '⚠'} as const

export const preview = {
  count: (n: number) => `${nf.format(n)} caratteri.`,
  heading: 'Il messaggio come lo leggerà ogni cittadino:',
  headingNoTemplate: "Testo dell'avviso come verrà inserito nel modello (il resto del modello non è noto: eseguire \"cerveno-info doctor\" per scaricarlo):",
  media: (kind: string) => `[${MEDIA_WORDS[kind] ?? kind}]`,
  requestHint: 'Per vedere anche la richiesta esatta che verrebbe inviata (in JSON) aggiungere --verbose.',
  stops: (n: number) => `Nota: gli a capo non arrivano al cittadino; dove una riga non finiva con un segno di punteggiatura è stato aggiunto ". " (${nf.format(n)} ${n === 1 ? 'volta' : 'volte'}). Controllare il testo qui sopra.`,
  verboseFlag: 'Con --dry-run: mostra anche la richiesta esatta (JSON) che verrebbe inviata al primo destinatario.',
  warningsHeading: 'Prima di confermare (come direbbe "cerveno-info doctor"):',
}
