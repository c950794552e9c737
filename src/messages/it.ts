/**
 * Every sentence the clerk reads. Pure data: keys are checked by the compiler, so a mistyped key
 * does not build. Code, comments and keys are English; values are Italian.
 */
import {type ErrorCode, type ErrorParams} from '../core/errors.js'
import {AUDIT_ACTIONS} from './audit-actions.js'
import {broadcastGuard} from './broadcast-guard.js'
import {dataFolderErrors} from './data-folder.js'
import {history} from './history.js'
import {lockErrors} from './locks.js'
import {attachmentError, mediaUploadError, titleProblem} from './notices.js'
import {plural} from './plural.js'
import {preflightErrors, preview} from './preflight.js'
import {reviewUndo} from './review-undo.js'
import {tableErrors, tableRowReasons} from './table-files.js'
import {nameProblem} from './validation.js'

type P = ErrorParams
const s = (v: number | string | undefined) => (v === undefined ? '' : String(v))
/** A clause made the start of a sentence. */
const sentence = (text: string) => text.charAt(0).toUpperCase() + text.slice(1)

const PHONE_PROBLEMS: Record<string, string> = {
  empty: 'è vuoto',
  invalid: 'non è un numero di cellulare o di rete fissa valido',
  letters: 'contiene lettere o simboli',
  tooShort: 'ha troppo poche cifre',
}

const ROW_REASONS: Record<string, string> = {
  ceasedWithoutDate: 'lo stato è "cessato" ma manca la data di cessazione',
  csv: 'il file CSV è malformato (virgolette non chiuse?)',
  date: 'la data non è nel formato 2025-03-14T09:21:00+01:00',
  empty: 'il campo obbligatorio è vuoto',
  id: "l'identificativo non è valido",
  missingColumn: 'manca la colonna',
  phone: 'il numero di telefono non è valido (deve iniziare con + e il prefisso internazionale)',
  value: 'il valore non è tra quelli ammessi',
}

const FATAL_HINTS: Record<string, string> = {
  account:
    "l'account WhatsApp Business è limitato o bloccato (qualità dei messaggi o politiche di Meta). Controllarne lo stato in WhatsApp Manager.",
  endpoint:
    "l'indirizzo dell'API non è corretto. Controllare WHATSAPP_PHONE_NUMBER_ID (l'identificativo del numero, non il numero stesso), WHATSAPP_API_VERSION e WHATSAPP_API_URL.",
  payload: "WhatsApp non accetta il contenuto del messaggio. Controllare il testo dell'avviso e il modello.",
  payment: "c'è un problema con il metodo di pagamento dell'account WhatsApp Business. Risolverlo in Meta Business Manager.",
  permissions:
    "il token non ha i permessi sul numero o sull'account WhatsApp. In Meta Business Manager dare all'utente di sistema l'accesso all'account WhatsApp Business e al numero.",
  registration: 'il numero del Comune non risulta registrato sulla Cloud API. Completare la registrazione del numero.',
  template:
    'il modello non esiste in quella lingua, non è approvato, è sospeso o non corrisponde ai parametri. Controllare nome e lingua del modello (--template, --language o config.json) in WhatsApp Manager.',
  token:
    'il token di accesso (WHATSAPP_TOKEN) è scaduto o non è valido. Generarne uno nuovo per l\'utente di sistema in Meta Business Manager e salvarlo con "cerveno-info login" (o impostarlo nella variabile WHATSAPP_TOKEN).',
  unknown: "risposta inattesa di WhatsApp. Riprovare più tardi; se si ripete, segnalarlo all'assistenza informatica.",
}

const CONFIG_HINTS: Record<string, string> = {
  WHATSAPP_PHONE_NUMBER_ID:
    "Impostare la variabile WHATSAPP_PHONE_NUMBER_ID (o phoneNumberId in config.json) con l'identificativo del numero del Comune indicato in WhatsApp Manager (non il numero di telefono).",
  WHATSAPP_TOKEN:
    "Salvare il token dell'utente di sistema nel portachiavi del sistema con \"cerveno-info login\", oppure impostare la variabile di ambiente WHATSAPP_TOKEN (per sicurezza non si legge da nessun file).",
}

const CONFIG_PROBLEMS: Record<string, string> = {
  format: 'il formato non è quello atteso (es. WHATSAPP_API_URL=https://graph.facebook.com, WHATSAPP_API_VERSION=v24.0, WHATSAPP_PHONE_NUMBER_ID di sole cifre).',
  insecure: 'il token non può viaggiare in chiaro: usare un indirizzo https://.',
}

function noticeProblem(p: P): string {
  switch (p.problem) {
  case 'controlChars': {
    return `il testo contiene ${s(p.count)} caratteri di controllo invisibili: ricopiarlo in un editor di testo semplice.`
  }

  case 'empty': {
    return 'il file è vuoto.'
  }

  case 'encoding': {
    return `il file non è in UTF-8 (riga ${s(p.line)}). Salvarlo come "UTF-8" dall'editor di testo.`
  }

  case 'fileTooBig': {
    return `il file è troppo grande per essere un avviso (massimo ${s(p.max)} byte).`
  }

  case 'missing': {
    return 'il file non esiste.'
  }

  case 'notAFile': {
    return 'non è un file di testo (è una cartella?).'
  }

  case 'tooLong': {
    return `il testo è troppo lungo: ${s(p.length)} caratteri, il massimo è ${s(p.max)}. Accorciarlo.`
  }

  case 'unreadable': {
    return 'il file non si può leggere (permessi?).'
  }

  default: {
    return titleProblem(p) ?? `problema "${s(p.problem)}".`
  }
  }
}

export const errors: Record<ErrorCode, (p: P) => string> = {
  ALREADY_ACTIVE: p => `Il numero ${s(p.phone)} è già iscritto e attivo: nessuna modifica.`,
  ALREADY_DECIDED: p => reviewUndo.alreadyDecided(p),
  API_FATAL: p => `WhatsApp ha rifiutato l'invio (codice ${s(p.code)}): ${s(p.hint)}`,
  ATTACHMENT_INVALID: attachmentError,
  ATTACHMENT_MISMATCH: attachmentError,
  BROADCAST_ALREADY_SENT: p => broadcastGuard.alreadySent(p),
  BROADCAST_FATAL: p =>
    `Invio ${s(p.id)} fermato: WhatsApp ha rifiutato la richiesta${p.code === undefined ? '' : ` (codice ${s(p.code)})`}. ${sentence(FATAL_HINTS[s(p.hint)] ?? FATAL_HINTS.unknown)}${p.details ? ` Dettaglio di WhatsApp: ${s(p.details)}.` : ''} Messaggi accettati in questa esecuzione: ${s(p.sent)}; ancora da inviare: ${s(p.pending)}. Dopo aver risolto il problema, riprendere con: cerveno-info broadcast --resume ${s(p.id)}`,
  BROADCAST_INTERRUPTED: p =>
    `Invio ${s(p.id)} interrotto: le richieste già partite sono state completate e registrate (${plural(Number(p.sent ?? 0), 'messaggio accettato', 'messaggi accettati')}, ${s(p.pending)} ancora da inviare). Per riprendere: cerveno-info broadcast --resume ${s(p.id)}`,
  BROADCAST_NOT_RESUMABLE: p => `L'invio ${s(p.id)} era una simulazione (--dry-run): non c'è nulla da riprendere. Per inviare davvero usare --file.`,
  BROADCAST_OFFLINE: p => broadcastGuard.offline(p),
  BROADCAST_PAUSED: p =>
    `Invio ${s(p.id)} sospeso dopo ${plural(Number(p.count ?? 0), 'destinatario', 'destinatari')} di fila senza successo${p.code === undefined ? '' : ` (codice più frequente: ${s(p.code)})`}: di solito la causa non sono i singoli cittadini ma l'account, il modello o la rete. Controllare con "cerveno-info broadcast show ${s(p.id)}", poi riprendere con: cerveno-info broadcast --resume ${s(p.id)} (e ritentare i falliti con --retry-failed ${s(p.id)}).`,
  BROADCAST_RUNNING: lockErrors.BROADCAST_RUNNING,
  BROADCAST_UNKNOWN: p => `Nessun invio con identificativo ${s(p.id)}. Vedere "cerveno-info broadcast list".`,
  CANCELLED: () => 'Operazione annullata.',
  CITIZEN_UNKNOWN: p => history.citizenUnknown(p),
  CONFIG_INVALID: p =>
    p.field === '(JSON)'
      ? `Il file ${s(p.file)} non è JSON valido${p.line === undefined ? '' : ` alla riga ${s(p.line)}, colonna ${s(p.column)}`}: controllare virgole, virgolette e parentesi in quel punto (o poco prima), oppure rifarlo con "cerveno-info init" dopo averlo rinominato.`
      : (p.key === undefined
        ? `Configurazione non valida in ${s(p.file)}: controllare il campo "${s(p.field)}".`
        : `Valore non valido per ${s(p.key)}: ${CONFIG_PROBLEMS[s(p.problem)] ?? CONFIG_PROBLEMS.format}`),
  CONFIG_MISSING: p => `Manca la configurazione ${s(p.name)}. ${s(p.hint ?? CONFIG_HINTS[s(p.name)])}`,
  CONFIG_TOO_NEW: p =>
    `La cartella dati è stata scritta da una versione più recente di cerveno-info (formato ${s(p.found)}, questa versione legge fino al ${s(p.supported)}). Aggiornare cerveno-info.`,
  CREDENTIAL_STORE_UNAVAILABLE: preflightErrors.CREDENTIAL_STORE_UNAVAILABLE,
  DATA_DIR_MISSING: p =>
    `La cartella dati ${s(p.dir)} non è ancora stata preparata. Eseguire prima: cerveno-info init`,
  DATE_INVALID: p => `Data non valida: "${s(p.input)}". Scriverla come 2025-03-14 oppure 14/03/2025.`,
  DISK_FULL: dataFolderErrors.DISK_FULL,
  ERASURE_INCOMPLETE: p =>
    `Cancellazione incompleta: ${Number(p.count) === 1 ? '1 file contiene' : `${s(p.count)} file contengono`} ancora i dati e non si possono ripulire automaticamente (${s(p.files)}). Eliminarli o correggerli a mano, poi ripetere il comando.`,
  EXPORT_OPTION_INVALID: p => EXPORT_OPTION_PROBLEMS[s(p.reason)]?.(p) ?? `Opzione non valida per l'esportazione (${s(p.reason)}).`,
  FILE_CHANGED: dataFolderErrors.FILE_CHANGED,
  FILE_CHARS_LOST: tableErrors.FILE_CHARS_LOST,
  FILE_DUPLICATE_ROWS: tableErrors.FILE_DUPLICATE_ROWS,
  FILE_EMPTY: tableErrors.FILE_EMPTY,
  FILE_ENCODING: p => `Il file ${s(p.file)} non è in UTF-8 (riga ${s(p.line)}).`,
  FILE_EXISTS: p => `Il file ${s(p.file)} esiste già. Usare --force per sovrascriverlo.`,
  FILE_ROW_INVALID: p =>
    `File ${s(p.file)}, riga ${s(p.line)}${p.column ? `, colonna "${s(p.column)}"` : ''}: ${ROW_REASONS[s(p.reason)] ?? tableRowReasons[s(p.reason)] ?? s(p.reason)}. Correggere il file: nessuna modifica è stata fatta.`,
  FILE_UNREADABLE: p => `Impossibile leggere il file ${s(p.file)}: ${s(p.reason)}`,
  LOCK_HELD: lockErrors.LOCK_HELD,
  LOCK_IN_USE: lockErrors.LOCK_IN_USE,
  MEDIA_UPLOAD_FAILED: mediaUploadError,
  NAME_INVALID: p => nameProblem(p),
  NO_RECIPIENTS: () => 'Nessun iscritto attivo: non c\'è nessuno a cui inviare l\'avviso.',
  NO_TTY: p => `Questo comando chiede conferme, ma non c'è un terminale interattivo. ${s(p.hint)}`,
  NOT_DECIDED: p => reviewUndo.notDecided(p),
  NOT_SUBSCRIBED: p => `Il numero ${s(p.phone)} non risulta iscritto e attivo: nessuna modifica.`,
  NOTICE_INVALID: p => `Avviso non valido (${s(p.file)}): ${p.reason === undefined ? noticeProblem(p) : s(p.reason)}`,
  PARTIAL: p => `Completato con ${plural(Number(p.count ?? 0), 'errore', 'errori')}.`,
  PHONE_INVALID: p =>
    `Numero di telefono non valido: "${s(p.input)}" ${PHONE_PROBLEMS[s(p.problem)] ?? ''}. Esempi validi: +39 333 123 4567, 3331234567.`,
  PHONE_REQUIRED: p => `La richiesta ${s(p.id)} non ha un numero di telefono: indicarlo prima di approvarla.`,
  PORT_UNAVAILABLE: p =>
    `Impossibile ascoltare su ${s(p.host)} porta ${s(p.port)} (${s(p.reason)}): la porta è già usata da un altro programma (forse un altro ricevitore già avviato) o l'indirizzo non appartiene a questo computer. Scegliere un'altra porta con --port o un altro indirizzo con --host.`,
  REOPEN_BLOCKED: p => reviewUndo.reopenBlocked(p),
  TEMP_UNAVAILABLE: p =>
    `Impossibile usare la cartella temporanea del sistema (${s(p.dir)}): ${TEMP_PROBLEMS[s(p.reason)] ?? s(p.reason)}. L'importazione vi appoggia per poco le richieste trovate; liberare spazio o indicare un'altra cartella con la variabile TMPDIR (su Windows TEMP). Nessun dato è stato modificato.`,
  TEMPLATE_MISMATCH: preflightErrors.TEMPLATE_MISMATCH,
  TOKEN_REFUSED: preflightErrors.TOKEN_REFUSED,
  UNKNOWN_REQUEST: p => `Nessuna richiesta con identificativo ${s(p.id)}: nessuna decisione applicata.`,
  USAGE: p => s(p.detail),
  WHATSAPP_NOT_READY: preflightErrors.WHATSAPP_NOT_READY,
}

const TEMP_PROBLEMS: Record<string, string> = {
  EACCES: 'manca il permesso di scrivervi',
  ENOENT: 'la cartella non esiste',
  ENOSPC: 'il disco è pieno',
  EPERM: 'manca il permesso di scrivervi',
  EROFS: 'il disco è in sola lettura',
}

const EXPORT_WHAT: Record<string, string> = {
  audit: 'il registro', broadcast: 'un invio', requests: 'le richieste', subscribers: 'gli iscritti',
}

const EXPORT_OPTION_PROBLEMS: Record<string, (p: P) => string> = {
  extraId: p => `L'identificativo "${s(p.value)}" serve solo per "export broadcast <id>".`,
  id: () => 'Indicare quale invio esportare: cerveno-info export broadcast <id> (vedere "cerveno-info broadcast list").',
  since: p => `--since non si applica esportando ${EXPORT_WHAT[s(p.what)] ?? s(p.what)}.`,
  status: p =>
    p.allowed === undefined
      ? `--status non si applica esportando ${EXPORT_WHAT[s(p.what)] ?? s(p.what)}.`
      : `Stato "${s(p.value)}" non valido esportando ${EXPORT_WHAT[s(p.what)] ?? s(p.what)}: usare ${s(p.allowed)}.`,
  vcf: () => 'Il formato vcf (rubrica) vale solo per gli iscritti: cerveno-info export subscribers --format vcf',
}

export const common = {
  dataDirFlag: 'Cartella dati (predefinita: variabile CERVENO_INFO_DIR, altrimenti ~/cerveno-info).',
  handEdited: (file: string) => `Nota: ${file} è stato modificato a mano dopo l'ultima scrittura; il file è valido ed è stato accettato (annotato nel registro).`,
  jsonFlag: 'Stampa il risultato in JSON (per script), senza domande.',
  migrated: (from: number, to: number) => `Cartella dati aggiornata dal formato ${from} al formato ${to}.`,
  operatorFlag: "Chi esegue l'operazione (predefinito: l'utente del computer).",
  unexpected: (detail: string) => `Errore imprevisto: ${detail}. Segnalarlo all'assistenza informatica.`,
  usage: (detail: string) => `Uso non corretto del comando: ${detail}${/[.?!]$/.test(detail) ? '' : '.'} Vedere --help.`,
}

export const init = {
  already: (dir: string) => `La cartella dati ${dir} era già pronta: nessun file modificato.`,
  created: (dir: string, files: string[]) => `Cartella dati pronta: ${dir}\nCreati: ${files.join(', ')}`,
  description:
    'Crea la cartella dati con config.json, iscritti.csv, richieste.csv e registro.jsonl. Si può ripetere senza rischi: i file esistenti non vengono toccati.',
  next: 'Controllare config.json (nome del comune, parola chiave, modello WhatsApp) prima del primo invio.',
  summary: 'Prepara la cartella dati (configurazione e file vuoti).',
}

export const subscribers = {
  add: {
    added: (name: string, phone: string) => `Iscritto: ${name} (${phone}).`,
    description:
      "Registra l'iscrizione fatta di persona: il consenso (informativa privacy) è dato allo sportello e viene annotato con l'operatore.",
    nameArg: 'Nome e cognome, come indicati dal cittadino.',
    phoneArg: 'Numero di telefono (es. +39 333 123 4567 oppure 3331234567).',
    reactivated: (name: string, phone: string) => `Iscrizione riattivata: ${name} (${phone}).`,
    summary: 'Iscrive un cittadino presentatosi allo sportello.',
  },
  description: 'Mostra il registro degli iscritti, filtrato per stato o per nome/numero.',
  header: ['Telefono', 'Nome', 'Stato', 'Iscritto il', 'Cessato il', 'Approvato da'],
  none: 'Nessun iscritto corrisponde alla ricerca.',
  remove: {
    description:
      "Segna l'iscrizione come cessata con la data di oggi. Non cancella i dati: per la cancellazione usare i comandi privacy.",
    phoneArg: 'Numero di telefono del cittadino.',
    removed: (name: string, phone: string) => `Iscrizione cessata: ${name} (${phone}).`,
    summary: "Cessa l'iscrizione di un cittadino.",
  },
  searchFlag: 'Cerca nel nome o nel numero.',
  status: {active: 'attivo', ceased: 'cessato'},
  statusFlag: 'Quali iscritti mostrare: attivi (predefinito), cessati o tutti (per gli script anche active, ceased, all).',
  summary: 'Elenca gli iscritti al servizio.',
  total: (shown: number, all: number) => `${shown} di ${plural(all, 'iscritto', 'iscritti')}.`,
}

const MONTHS = ['gen', 'feb', 'mar', 'apr', 'mag', 'giu', 'lug', 'ago', 'set', 'ott', 'nov', 'dic']

export const stats = {
  broadcastLine: (b: {delivered: number; deliveryRate: null | number; failed: number; id: string; read: number; recipients: number; startedAt: string}) =>
    `  ${b.id} del ${b.startedAt}: consegnato a ${b.delivered} su ${b.recipients} (${b.deliveryRate === null ? '—' : `${(b.deliveryRate * 100).toFixed(1).replace('.', ',')}%`}), letto da ${b.read}, non riuscito per ${b.failed}`,
  broadcastsTitle: 'Consegna degli avvisi (destinatari che lo hanno ricevuto)',
  chartLegend: 'prima colonna: iscrizioni · seconda colonna: cessazioni',
  chartTitle: (n: number) => `Iscrizioni e cessazioni negli ultimi ${n} mesi`,
  description:
    'Conta iscritti e richieste per stato, dice da quanto aspetta la richiesta in attesa più vecchia, disegna iscrizioni e cessazioni mese per mese negli ultimi 12 mesi e mostra quanti destinatari di ogni avviso lo hanno ricevuto. Per gli script usare --json.',
  labels: {active: 'Iscritti attivi', ceased: 'Iscrizioni cessate', total: 'Totale nel registro'},
  month: (ym: string) => `${MONTHS[Number(ym.slice(5, 7)) - 1] ?? ym.slice(5, 7)} ${ym.slice(0, 4)}`,
  noPending: 'Nessuna richiesta in attesa di verifica.',
  pending: (n: number, oldest: string, days: number) =>
    `Da verificare: ${n}; la più vecchia è del ${oldest} (${days === 0 ? 'meno di un giorno fa' : (days === 1 ? 'aspetta da 1 giorno' : `aspetta da ${days} giorni`)}).`,
  requests: (r: {approved: number; discarded: number; pending: number; rejected: number; superseded: number; total: number}) =>
    `Richieste: ${r.pending} in attesa, ${r.approved} approvate, ${r.rejected} respinte, ${r.discarded} scartate, ${r.superseded} superate (totale ${r.total}).`,
  summary: 'Statistiche del servizio.',
  total: (n: number) => `Totale nel registro: ${n}`,
}

export const requests = {
  description: 'Mostra le richieste estratte dalle chat e dai webhook, con il loro stato. Per gli script usare --json.',
  header: ['Id', 'Azione', 'Telefono', 'Nome', 'Ricevuta', 'Stato'],
  noName: '(nome mancante)',
  none: 'Nessuna richiesta in questo stato.',
  noPhone: '(numero mancante)',
  status: {
    approved: 'approvata',
    discarded: 'scartata',
    pending: 'in attesa',
    rejected: 'respinta',
    superseded: 'superata',
  } as Record<string, string>,
  statusFlag: 'Quali richieste: attesa (predefinito), approvata, respinta, scartata, superata o tutte (per gli script anche pending, approved, rejected, discarded, superseded, all).',
  summary: 'Elenca le richieste di iscrizione e cancellazione.',
  total: (n: number) => `${plural(n, 'richiesta', 'richieste')}.`,
}

export const review = {
  action: {OFF: 'CANCELLAZIONE (OFF)', ON: 'ISCRIZIONE (ON)'} as Record<string, string>,
  choice: {
    approve: 'Approva',
    approveAll: (n: number) => `Approva tutte le rimanenti (${n})`,
    approveOff: "Approva: cessa l'iscrizione",
    approveOn: (name: string) => `Approva: iscrive ${name}`,
    approveRename: (name: string) => `Approva: aggiorna il nome in ${name}`,
    correct: 'Correggi nome o telefono…',
    defer: 'Rimanda (resta in attesa)',
    discard: 'Scarta',
    discardOffNotSubscribed: 'Scarta (il numero non è iscritto: niente da cessare)',
    needName: 'Indica il nome (necessario per approvare)',
    needPhone: 'Indica il numero di telefono (necessario per approvare)',
    prompt: 'Decisione',
    quit: 'Esci',
    reject: 'Respingi…',
  },
  confirmAll: (n: number) => (n === 1 ? "Approvare l'ultima richiesta rimanente?" : `Approvare tutte le ${n} richieste rimanenti?`),
  correctName: 'Nome',
  correctPhone: 'Telefono',
  correctWhat: 'Cosa correggere',
  decided: {
    approve: 'Approvata.',
    corrected: 'Corretta.',
    defer: 'Rimandata.',
    discard: 'Scartata.',
    reject: 'Respinta.',
  },
  description:
    'Mostra una per volta le richieste in attesa (dalla più vecchia) e chiede la decisione: approvare, respingere con un motivo, correggere nome o telefono, rimandare o scartare. Ogni decisione è salvata subito. Senza terminale interattivo usare --approve, --approve-all, --reject con --reason, --discard.',
  empty: 'Nessuna richiesta in attesa.',
  flags: {
    approve: 'Approva le richieste con questi identificativi.',
    approveAll: 'Approva tutte le richieste in attesa che si possono approvare.',
    discard: 'Scarta le richieste con questi identificativi (spam, doppioni).',
    reason: 'Motivo del rifiuto.',
    reject: 'Respinge le richieste con questi identificativi (serve --reason).',
  },
  labels: {
    action: 'Azione',
    name: 'Nome',
    others: 'Altre richieste in attesa dallo stesso numero',
    phone: 'Telefono',
    received: 'Ricevuta',
    source: 'Fonte',
    state: 'Situazione',
    text: 'Testo',
  },
  nameEmpty: 'Il nome non può essere vuoto.',
  namePrompt: 'Nome e cognome',
  noTtyHint:
    'Per decidere senza domande usare: --approve <id...>, --approve-all, --reject <id...> --reason "<motivo>", --discard <id...>. Per vedere la coda: cerveno-info requests',
  otherReason: 'Altro motivo (scrivi)…',
  phonePrompt: 'Numero di telefono',
  position: (i: number, n: number, id: string) => `Richiesta ${i} di ${n} — id ${id}`,
  reasonPrompt: 'Motivo del rifiuto',
  reasons: ['non residente', 'nome incompleto', 'numero non verificabile', 'richiesta doppia'],
  reasonTyped: 'Scrivi il motivo',
  rejectNeedsReason: 'Per respingere serve il motivo: --reason "<motivo>".',
  skippedAll: (n: number) => `${n === 1 ? '1 richiesta non approvabile resta' : `${n} richieste non approvabili restano`} in attesa (numero o nome mancante, oppure cancellazione di un non iscritto).`,
  sourceFile: (file: string, line: number) => `${file}, riga ${line}`,
  sourceWebhook: (day: string) => `webhook del ${day}`,
  state: {
    active: (since: string, name: string) => `attivo dal ${since} (nome in registro: ${name})`,
    ceased: (on: string) => `cessato il ${on}`,
    none: 'non iscritto',
  },
  summary: 'Verifica le richieste in attesa e registra le decisioni.',
  summary_: (a: {approved: number; deferred: number; discarded: number; pending: number; rejected: number}) =>
    `Riepilogo: ${a.approved} approvate, ${a.rejected} respinte, ${a.discarded} scartate, ${a.deferred} rimandate, ${a.pending} ancora in attesa.`,
}

export const importCmd = {
  atLine: (why: string, line?: number, entry?: string) => `${why}${entry ? ` (in ${entry})` : ''}${line ? `, riga ${line}` : ''}`,
  dateOrder: {dmy: 'giorno/mese/anno', mdy: 'mese/giorno/anno', ymd: 'anno/mese/giorno'} as Record<string, string>,
  dateReason: {
    batch: 'come gli altri file importati insieme',
    default: 'predefinito (nessun indizio nel file)',
    'field-over-12': 'un giorno maggiore di 12 lo rivela',
    locale: 'lingua del file',
    option: 'opzione --date-order',
    'year-first': "l'anno è scritto per primo",
  } as Record<string, string>,
  description:
    'Legge file e cartelle: chat esportate dal telefono (.txt o .zip, Android e iPhone) e file di webhook della Cloud API (.json, .ndjson). Estrae soltanto le richieste "Servizio Info ON/OFF" e le mette in attesa di verifica; tutti gli altri messaggi sono ignorati. Importare di nuovo lo stesso file non aggiunge nulla.',
  dryRun: 'Prova (--dry-run): nessun file è stato modificato.',
  failedFiles: (n: number, total = n) =>
    `${n === 1 ? '1 file non importato' : `${n} file non importati`}: vedere sopra.${total > n ? (total - n === 1 ? " L'altro è stato importato." : ' Gli altri sono stati importati.') : ''}`,
  fileDate: (order: string, reason: string) => `   date lette come ${order} (${reason})`,
  fileError: (file: string, why: string) => `${file}: NON IMPORTATO — ${why}`,
  fileLine: (file: string, format: string, messages: number, requests: number, ignored: number) =>
    `${file}: ${format}, ${plural(messages, 'messaggio', 'messaggi')}, ${plural(requests, 'richiesta', 'richieste')}, ${plural(ignored, 'ignorato', 'ignorati')}`,
  fileSkipped: (file: string, what: string, format: string) => `${file}: saltato, ${what} (${format}) e non una chat`,
  fileStatuses: (n: number) => `, ${n} stati di consegna`,
  flags: {
    dateOrder: 'Ordine delle date se il file non lo rivela: dmy (giorno/mese/anno), mdy, ymd.',
    dryRun: 'Mostra cosa verrebbe importato senza scrivere nulla.',
    phone: 'Numero del cittadino per una chat singola il cui numero non compare (contatto salvato in rubrica).',
    self: 'Nome con cui appare il comune nelle chat (ripetibile; si aggiunge a quelli in config.json).',
    showIgnored: 'Elenca i messaggi ignorati che nominano la parola chiave (quasi-richieste).',
  },
  format: {
    'chat-txt': 'chat (.txt)', 'chat-zip': 'chat (.zip)', unknown: 'sconosciuto', webhook: 'webhook',
  } as Record<string, string>,
  handEdited: (file: string) => `Nota: ${file} era stato modificato a mano; il file è valido ed è stato accettato.`,
  nearMiss: (source: string, who: string, text: string) => `  ${source} ${who}: ${text}`,
  nearMissHeader: 'Messaggi ignorati che nominano la parola chiave:',
  next: 'Per verificarle: cerveno-info review',
  notAChat: {
    audio: 'è un messaggio vocale o un file audio',
    contact: 'è un contatto',
    image: "è una foto o un'immagine",
    office: 'è un documento da ufficio',
    pdf: 'è un documento PDF',
    video: 'è un video',
  } as Record<string, string>,
  pathsArg: 'File o cartelle da importare.',
  problems: {
    'chat-file:binary': 'non è un file di testo',
    'chat-file:empty': 'il file è vuoto',
    'chat-file:is-directory': 'è una cartella',
    'chat-file:not-found': 'file non trovato',
    'chat-file:not-utf8': 'il testo non è in UTF-8 (forse salvato con un altro programma): riesportare la chat dal telefono',
    'chat-file:too-large': 'il file è troppo grande',
    'chat-file:unreadable': 'impossibile leggere il file',
    'chat-file:zip-corrupt': "l'archivio zip è danneggiato o incompleto",
    'chat-file:zip-no-chat': "l'archivio zip non contiene una chat esportata",
    'chat:binary': 'non è un file di testo',
    'chat:empty': 'il file è vuoto',
    'chat:invalid-date': 'contiene date impossibili',
    'chat:unrecognized-format': 'formato non riconosciuto: non è una chat WhatsApp esportata né un file di webhook',
    'not-found': 'file o cartella non trovati',
    'webhook:BINARY': 'non è un file di testo',
    'webhook:EMPTY': 'il file è vuoto',
    'webhook:INVALID_JSON': 'JSON non valido',
    'webhook:INVALID_UTF8': 'il testo non è in UTF-8',
    'webhook:NDJSON_LINE': 'una riga non è JSON valido',
    'webhook:NOT_JSON': 'non è JSON',
    'webhook:TRUNCATED': 'il JSON è troncato (file incompleto)',
    'webhook:UNREADABLE': 'impossibile leggere il file',
  } as Record<string, string>,
  quoteHint: (joined: string) =>
    `Il percorso contiene spazi: va scritto tra virgolette, altrimenti ogni parola è presa come un file a sé. Ad esempio: cerveno-info import "${joined}"`,
  summary: 'Importa le chat WhatsApp esportate e i webhook della Cloud API.',
  totals: (a: {duplicates: number; newRequests: number; superseded: number; unresolvedPhones: number}) =>
    `Richieste nuove: ${a.newRequests} · già importate: ${a.duplicates} · superate da una più recente: ${a.superseded} · senza numero: ${a.unresolvedPhones}`,
  unresolvedHint: 'Le richieste senza numero restano in attesa: il numero si indica durante "cerveno-info review".',
}

const nf = new Intl.NumberFormat('it-IT')
const num = (n: number) => nf.format(n)

/** "circa 2 minuti" style durations for estimates and ETAs. */
function duration(ms: number): string {
  const seconds = Math.max(1, Math.round(ms / 1000))
  if (seconds < 90) return `${seconds} ${seconds === 1 ? 'secondo' : 'secondi'}`
  const minutes = Math.round(seconds / 60)
  if (minutes < 90) return `${minutes} minuti`
  const hours = Math.floor(minutes / 60)
  const rest = minutes % 60
  return `${hours} ${hours === 1 ? 'ora' : 'ore'}${rest > 0 ? ` e ${rest} minuti` : ''}`
}

const RUN_STATUS: Record<string, string> = {
  completed: 'completato',
  'dry-run': 'simulazione',
  interrupted: 'interrotto',
  paused: 'sospeso',
  running: 'in corso',
  stopped: 'fermato',
}

const OUTCOME: Record<string, string> = {
  failed: 'non riuscito', pending: 'da inviare', sent: 'accettato', uncertain: 'incerto',
}
const DELIVERY: Record<string, string> = {
  delivered: 'consegnato', failed: 'non consegnato', read: 'letto', sent: 'inviato',
}

export const broadcast = {
  changed: (before: number, after: number) =>
    `Nota: nel frattempo il registro è cambiato: i destinatari sono ${num(after)} (erano ${num(before)}).`,
  confirm: (queued: number) => `Inviare l'avviso a ${num(queued)} ${queued === 1 ? 'destinatario' : 'destinatari'}?`,
  confirmKeys: '↑↓ per scegliere, Invio per confermare',
  confirmNo: 'No, annulla',
  confirmYes: 'Sì, invia',
  description: [
    "Invia l'avviso contenuto nel file a ogni iscritto attivo, uno per uno, con il modello WhatsApp approvato (il testo dell'avviso riempie il parametro del modello). Prima mostra esattamente che cosa verrà inviato, a quanti destinatari e in quanto tempo, e chiede conferma. Ogni invio è registrato in invii/<id>/: un invio interrotto si riprende con --resume <id> e nessuno riceve due volte lo stesso avviso.",
    'Configurazione: il token (salvato con "cerveno-info login", oppure la variabile WHATSAPP_TOKEN, che ha la precedenza), WHATSAPP_PHONE_NUMBER_ID, WHATSAPP_API_VERSION, WHATSAPP_API_URL (predefinito https://graph.facebook.com), WHATSAPP_BUSINESS_ACCOUNT_ID; phoneNumberId, apiVersion e wabaId si possono indicare anche in config.json. Con l\'identificativo dell\'account (WABA) il modello viene letto da WhatsApp (o dalla copia di meno di un giorno) e controllato prima dell\'invio, e l\'anteprima mostra il messaggio intero.',
  ].join('\n\n'),

  done(r: {durationMs: number; failed: number; id: string; sent: number; skipped: number; uncertain: number}) {
    const lines = [
      `Invio ${r.id} completato in ${duration(r.durationMs)}: ${plural(r.sent, 'messaggio accettato', 'messaggi accettati')} da WhatsApp, ${plural(r.failed, 'non riuscito', 'non riusciti')}, ${plural(r.uncertain, 'incerto', 'incerti')}${r.skipped > 0 ? ` (${r.skipped === 1 ? '1 destinatario aveva' : `${num(r.skipped)} destinatari avevano`} già un esito)` : ''}.`,
    ]
    if (r.failed > 0) {
      lines.push(`Non riusciti: dettagli con "cerveno-info broadcast show ${r.id}"; per ritentare quelli con un errore che può essere temporaneo: cerveno-info broadcast --retry-failed ${r.id}`)
    }

    if (r.uncertain > 0) {
      lines.push(`Incerti: WhatsApp non ha risposto e potrebbero averlo ricevuto, quindi non sono stati reinviati. Importare le notifiche di stato ("cerveno-info import") per saperlo, oppure reinviare con: cerveno-info broadcast --resume ${r.id} --retry-uncertain`)
    }

    lines.push('"Accettato" vuol dire preso in carico da WhatsApp; la consegna si vede importando le notifiche di stato.')
    return lines.join('\n')
  },
  dryRunHeader: 'Simulazione (--dry-run): nessun messaggio inviato, nessun collegamento a WhatsApp.',
  dryRunMissing: (names: string[]) => `Per l'invio vero mancano ancora: ${names.join(', ')}.`,
  dryRunRecorded: (id: string) => `Simulazione registrata come ${id} (vedere "cerveno-info broadcast list").`,
  dryRunRequest: 'Richiesta che verrebbe inviata al primo destinatario (token nascosto):',
  flags: {
    dryRun: 'Mostra che cosa verrebbe inviato e a quanti destinatari, senza inviare nulla e senza collegarsi a WhatsApp.',
    file: "File di testo (UTF-8) con l'avviso da inviare.",
    language: 'Lingua del modello, esattamente come approvata (es. it). Predefinita: config.json.',
    rate: 'Messaggi al secondo, da 1 a 1000. Predefinito: config.json (20).',
    resume: 'Riprende un invio interrotto: invia solo ai destinatari che non hanno ancora un esito.',
    retryFailed: 'Ritenta i destinatari di un invio il cui errore può essere temporaneo (e quelli ancora da inviare).',
    retryUncertain:
      'Con --resume o --retry-failed: reinvia anche ai destinatari con esito incerto (potrebbero riceverlo due volte).',
    template: 'Nome del modello WhatsApp approvato. Predefinito: config.json.',
    text: 'Invia testo libero invece del modello: WhatsApp lo consegna solo a chi ha scritto al Comune nelle ultime 24 ore.',
    to: 'Invio di prova a un solo numero (registrato come prova).',
    yes: 'Non chiedere conferma (per script).',
  },
  forced: (id: string) =>
    `Uscita immediata. Le richieste senza risposta restano incerte. Per riprendere: cerveno-info broadcast --resume ${id}`,
  list: {
    description: 'Mostra gli invii dal più vecchio al più recente, con stato e conteggi (accettati, non riusciti, incerti).',
    header: ['Invio', 'Iniziato', 'Stato', 'Destinatari', 'Accettati', 'Non riusciti', 'Incerti'],
    none: 'Nessun invio registrato.',
    status: (status: string, test: boolean) => `${RUN_STATUS[status] ?? status}${test ? ' (prova)' : ''}`,
    summary: 'Elenca gli invii fatti.',
  },
  needFile: "Indicare il file dell'avviso con --file (oppure --resume <id> per riprendere un invio).",
  nothingToDo: (id: string) => `Invio ${id}: nessun destinatario da inviare, ognuno ha già un esito.`,
  noTtyHint: "Aggiungere --yes per confermare l'invio senza domande (provare prima con --dry-run).",
  plan(v: {
    budget: {exceeds: boolean; limit: number; remaining: number; usedLast24h: number}
    estimatedMs: number
    file: null | string
    id: string
    kind: string
    mode: string
    /** The whole message, laid out (messages/preflight.ts preview). */
    preview?: string
    queued: number
    rate: number
    recipients: number
    stops?: number
    template: null | {language: string; name: string}
    test: null | string
    text: string
    uncertainLeft: number
    warnings: string[]
  }) {
    const lines: string[] = []
    if (v.kind === 'new') lines.push(`Avviso da inviare${v.file ? ` (file ${v.file})` : ''}:`)
    else lines.push(`${v.kind === 'resume' ? 'Ripresa' : 'Nuovo tentativo'} dell'invio ${v.id}:`)
    lines.push(
      v.template
        ? `  modello WhatsApp "${v.template.name}", lingua "${v.template.language}"; l'avviso riempie il parametro del modello.`
        : '  testo libero (--text), senza modello.',
      ...(v.preview === undefined
        ? [v.template ? preview.headingNoTemplate : 'Testo che riceverà ogni cittadino, esattamente come inviato:', ...v.text.split('\n').map(l => `  │ ${l}`)]
        : [v.preview]),
    )
    if (v.stops !== undefined && v.stops > 0) lines.push(preview.stops(v.stops))
    else if (v.warnings.includes('flattened')) {
      lines.push('Nota: a capo e spazi ripetuti sono diventati un solo spazio, come WhatsApp richiede per i parametri dei modelli.')
    }

    if (v.mode === 'text') {
      lines.push("Attenzione: il testo libero arriva solo a chi ha scritto al Comune nelle ultime 24 ore; per gli altri l'invio non riesce (codice 131047). Per gli avvisi usare il modello approvato.")
    }

    if (v.test) lines.push(`Invio di prova al solo numero ${v.test} (registrato come prova).`)
    else if (v.kind === 'new') lines.push(`Destinatari: ${plural(v.recipients, 'iscritto attivo', 'iscritti attivi')} (elenco fissato all'avvio dell'invio).`)
    else lines.push(`Destinatari dell'invio: ${num(v.recipients)}; da inviare ora: ${num(v.queued)}; già con un esito: ${num(v.recipients - v.queued - v.uncertainLeft)}.`)
    if (v.uncertainLeft > 0) {
      lines.push(`Esclusi ${plural(v.uncertainLeft, 'destinatario', 'destinatari')} con esito incerto (potrebbero averlo già ricevuto): per reinviare anche a loro aggiungere --retry-uncertain.`)
    }

    if (v.queued > 0) lines.push(`Durata stimata: circa ${duration(v.estimatedMs)} (${num(v.rate)} messaggi al secondo).`)
    lines.push(`Limite giornaliero WhatsApp: ${num(v.budget.limit)} destinatari nelle 24 ore; già raggiunti ${num(v.budget.usedLast24h)}; disponibili ${num(v.budget.remaining)}.`)
    if (v.budget.exceeds) {
      lines.push("Attenzione: questo invio supera il limite giornaliero (config.json, messagingLimit): WhatsApp potrebbe rifiutare i messaggi oltre il limite. Verificare il limite attuale in WhatsApp Manager o dividere l'invio.")
    }

    return lines.join('\n')
  },
  progressBar: 'Invio {bar} {percentage}% | {value}/{total} | {speed} al secondo | non riusciti {failed} | incerti {uncertain} | fine tra {eta_formatted}',
  progressLine: (p: {done: number; etaMs: number; failed: number; retrying: number; total: number; uncertain: number}) =>
    `Inviati ${num(p.done)} di ${num(p.total)} (${Math.floor((p.done / Math.max(1, p.total)) * 100)}%); non riusciti ${num(p.failed)}, incerti ${num(p.uncertain)}${p.retrying > 0 ? `, in attesa di nuovo tentativo ${num(p.retrying)}` : ''}; fine tra circa ${duration(p.etaMs)}.`,
  retryUncertainAlone: '--retry-uncertain si usa insieme a --resume <id> o --retry-failed <id>.',
  show: {
    delivery: (d: null | string) => (d === null ? '' : (DELIVERY[d] ?? d)),
    description:
      "Conteggi per esito (accettati, consegnati, letti, non riusciti, incerti, da inviare) e i destinatari con problemi. L'elenco completo per destinatario con --json.",
    header: (v: {finishedAt: null | string; id: string; startedAt: string; status: string; test: boolean}) =>
      `Invio ${v.id}: ${RUN_STATUS[v.status] ?? v.status}${v.test ? ' (prova)' : ''}, iniziato ${v.startedAt}${v.finishedAt ? `, ultima esecuzione terminata ${v.finishedAt}` : ''}.`,
    idArg: "Identificativo dell'invio (vedere \"cerveno-info broadcast list\").",
    more: (n: number) => `… e altri ${num(n)}: elenco completo con --json.`,
    outcome: (o: string) => OUTCOME[o] ?? o,
    resumeHint: (id: string) => `Per completarlo: cerveno-info broadcast --resume ${id}`,
    summary: "Mostra l'esito di un invio.",
    template: (t: null | {language: string; name: string}) =>
      t ? `Modello "${t.name}" (${t.language}). Testo inviato:` : 'Testo libero inviato:',
    totals: (t: {delivered: number; failed: number; pending: number; read: number; sent: number; uncertain: number}) =>
      `Accettati ${num(t.sent)} (consegnati ${num(t.delivered)}, letti ${num(t.read)}) · non riusciti ${num(t.failed)} · incerti ${num(t.uncertain)} · da inviare ${num(t.pending)}`,
  },
  started: (id: string) => `Invio ${id} avviato. Se si interrompe, si riprende con: cerveno-info broadcast --resume ${id}`,

  stopping:
    'Interruzione richiesta: attendo le risposte alle richieste già partite e chiudo il registro (Ctrl-C di nuovo per uscire subito: quei destinatari resteranno incerti).',

  summary: 'Invia un avviso a tutti gli iscritti attivi tramite WhatsApp.',
  usage: [
    '<%= command.id %> --file <file> [--dry-run] [--yes] [--to <telefono>] [--template <nome> --language <codice> | --text] [--rate <n>]',
    '<%= command.id %> --resume <id> [--retry-uncertain] [--yes] [--rate <n>]',
    '<%= command.id %> --retry-failed <id> [--retry-uncertain] [--yes] [--rate <n>]',
  ],
}

const SUBSCRIBER_WORDS = {active: 'attivo', ceased: 'cessato'} as Record<string, string>
const CONSENT_WORDS = {'in-person': 'di persona allo sportello', message: 'messaggio WhatsApp'} as Record<string, string>
const REQUEST_WORDS = {
  approved: 'approvata', discarded: 'scartata', pending: 'in attesa', rejected: 'respinta', superseded: 'superata',
} as Record<string, string>

/** What a Cloud API error code means for one recipient (cloud-api.md §3.3), for delivery reports. */
const API_CODES: Record<string, string> = {
  130_472: 'il numero è in un gruppo sperimentale di WhatsApp: il messaggio non viene consegnato',
  131_000: 'errore sconosciuto di WhatsApp',
  131_008: 'manca un parametro obbligatorio del messaggio',
  131_009: 'numero di telefono o parametro non valido',
  131_016: 'servizio WhatsApp temporaneamente non disponibile',
  131_021: 'il destinatario è il numero stesso del Comune',
  131_026: "messaggio non recapitabile: il numero non usa WhatsApp, non ha accettato i termini aggiornati o ha un'app troppo vecchia",
  131_047: 'fuori dalla finestra di 24 ore: il testo libero non è ammesso, serve il modello approvato',
  131_048: 'limite anti-spam: WhatsApp ha limitato il numero del Comune',
  131_049: 'WhatsApp ha scelto di non consegnarlo (troppi messaggi per questo utente): non ritentare prima di 24 ore',
  131_050: 'il cittadino ha scelto di non ricevere più messaggi di questo tipo dal Comune',
  131_056: 'troppi messaggi allo stesso numero in poco tempo',
  132_000: 'il numero di parametri non corrisponde al modello WhatsApp',
  132_001: 'il modello WhatsApp non esiste in questa lingua o non è approvato',
  132_005: 'il testo del modello compilato è troppo lungo',
  132_012: 'un parametro del modello non è nel formato richiesto',
  132_015: 'il modello WhatsApp è sospeso per bassa qualità',
  132_016: 'il modello WhatsApp è stato disattivato',
  '*': 'errore di WhatsApp: cercare il codice nella documentazione di Meta',
}

/** Italian names of the fields an audit entry's before/after carries (beyond the tables' own headers). */
const AUDIT_FIELDS: Record<string, string> = {
  action: 'azione', approvedBy: 'approvato da', author: 'autore', ceasedAt: 'cessato il', ceasedBy: 'cessato da', consent: 'consenso',
  decidedAt: 'decisa il', decidedBy: 'decisa da', encoding: 'codifica', file: 'file', files: 'file', format: 'formato', id: 'id',
  importedAt: 'importata il', name: 'nome', phone: 'telefono', phoneSource: 'origine del numero', privacyNotice: 'informativa del', rawText: 'testo', reason: 'motivo',
  receivedAt: 'ricevuta il', recipients: 'destinatari', requestId: 'id richiesta', rows: 'righe', source: 'fonte', status: 'stato',
  subscribedAt: 'iscritto il', updatedAt: 'ultima modifica',
}

export const exportCmd = {
  description: [
    'Scrive un file pronto per Excel (predefinito: si apre con un doppio clic, colonne separate, accenti corretti),',
    'un CSV standard (RFC 4180) per altri programmi, oppure per gli iscritti una rubrica vCard da importare nel telefono',
    "per le liste broadcast dell'app WhatsApp Business (file da al massimo 256 contatti, uno per lista).",
    'Ogni riga riporta lo stato, tutte le date (richiesta, decisione, cessazione) e chi ha deciso. I numeri di telefono',
    'restano testo (+39…, preceduti da un apostrofo, mai in notazione scientifica) e i valori che Excel eseguirebbe come',
    'formule (iniziano con = + - @) sono resi innocui allo stesso modo.',
    'Il file predefinito è esportazioni/<cosa>-AAAA-MM-GG.csv (o .vcf) nella cartella dati; un file esistente non viene',
    'mai sovrascritto senza --force. Non fa domande: si può pianificare (cron, Utilità di pianificazione di Windows).',
  ].join('\n'),
  done: (rows: number, file: string) => `${rows === 1 ? 'Esportata 1 riga' : `Esportate ${num(rows)} righe`} in ${file}`,
  doneVcf: (contacts: number, files: string[]) =>
    [`Esportati ${num(contacts)} contatti in ${files.length} file (al massimo 256 contatti ciascuno, uno per lista broadcast):`, ...files.map(f => `  ${f}`)].join('\n'),
  fieldLabels: AUDIT_FIELDS,
  flags: {
    force: 'Sovrascrive il file se esiste già.',
    format: 'excel (predefinito: CSV che si apre con un doppio clic in Excel), xlsx (cartella di lavoro Excel vera e propria, con filtri), csv (RFC 4180, per altri programmi) o vcf (rubrica vCard, solo iscritti).',
    out: 'File da scrivere, oppure cartella in cui scriverlo con il nome predefinito (predefinito: la cartella esportazioni della cartella dati).',
    since: 'Solo le righe con una data (iscrizione, cessazione, ricezione, decisione, operazione) da questo giorno in poi: 2025-03-14 oppure 14/03/2025.',
    status:
      'Solo le righe in questo stato. Iscritti: active, ceased, all (predefinito all; con vcf active). Richieste: pending, approved, rejected, discarded, superseded, all. Invio: sent, delivered, read, failed, uncertain, pending, all.',
  },
  idArg: "Identificativo dell'invio (solo con broadcast; vedere \"cerveno-info broadcast list\").",
  noContacts: 'Nessun contatto da esportare: nessun file scritto.',
  sheetNames: {
    audit: 'Registro', broadcast: 'Invio', requests: 'Richieste', subscribers: 'Iscritti',
  },
  summary: 'Esporta iscritti, richieste, esito di un invio o registro delle operazioni (Excel, CSV, rubrica vCard).',
  tables: {
    audit: {
      headers: {
        action: 'Operazione', after: 'Dopo', before: 'Prima', operator: 'Operatore', subject: 'Oggetto', ts: 'Data e ora',
      },
      words: {action: AUDIT_ACTIONS},
    },
    broadcast: {
      headers: {
        delivery: 'Consegna', errorCode: 'Codice errore', explanation: 'Spiegazione', outcome: 'Esito', phone: 'Telefono', wamid: 'Id messaggio WhatsApp',
      },
      words: {delivery: DELIVERY, explanation: API_CODES, outcome: OUTCOME},
    },
    requests: {
      headers: {
        action: 'Azione',
        author: 'Autore (nome in chat)',
        decidedAt: 'Decisa il',
        decidedBy: 'Decisa da',
        id: 'Id',
        importedAt: 'Importata il',
        name: 'Nome',
        phone: 'Telefono',
        rawText: 'Testo del messaggio',
        reason: 'Motivo',
        receivedAt: 'Ricevuta il',
        source: 'Fonte',
        status: 'Stato',
      },
      words: {action: {OFF: 'cancellazione (OFF)', ON: 'iscrizione (ON)'}, status: REQUEST_WORDS},
    },
    subscribers: {
      headers: {
        approvedBy: 'Approvato da',
        ceasedAt: 'Cessato il',
        ceasedBy: 'Cessato da',
        consent: 'Consenso',
        name: 'Nome',
        phone: 'Telefono',
        privacyNotice: 'Informativa privacy del',
        requestId: 'Id richiesta',
        status: 'Stato',
        subscribedAt: 'Iscritto il',
        updatedAt: 'Ultima modifica',
      },
      words: {consent: CONSENT_WORDS, status: SUBSCRIBER_WORDS},
    },
  },
  totals: {
    delivered: 'Consegnati', failed: 'Non riusciti', pending: 'Da inviare', read: 'Letti', sent: 'Accettati', uncertain: 'Incerti',
  } as Record<string, string>,
  whatArg: 'Cosa esportare: subscribers (iscritti), requests (richieste), broadcast (esito di un invio, seguito dal suo identificativo) o audit (registro delle operazioni).',
}

export const privacy = {
  erase: {
    confirm: "Cancellare definitivamente questi dati? L'operazione non si può annullare.",
    description:
      "Elimina il numero e il nome del cittadino da iscritti.csv, richieste.csv, registro.jsonl, dalle copie in backup/, dagli invii in invii/ (l'esito resta conteggiato, senza numero) e dalle esportazioni in esportazioni/. Ogni file è riscritto in modo sicuro. La cancellazione è annotata nel registro con data, operatore e un codice, senza numero né nome. Chiede conferma, salvo --yes.",
    done: (id: string, r: {files: unknown[]; records: number}) =>
      `Cancellazione eseguita (codice ${id}): ${plural(r.records, 'riga', 'righe')} in ${r.files.length} file. Annotata nel registro senza numero né nome.`,
    flags: {yes: 'Non chiede conferma (per gli script).'},
    nameLeft: (files: string[]) =>
      `Nota: lo stesso nome compare ancora accanto a un altro numero (un omonimo?) in: ${files.join(', ')}. Quelle righe non sono state toccate.`,
    nothing: (phone: string) => `Nessun dato trovato per ${phone}: nessuna modifica.`,
    noTtyHint: 'Per cancellare senza domande aggiungere --yes.',
    plan: (phone: string, name: null | string, p: {broadcastRecipients: number; files: {file: string; removed: number}[]; records: number; requests: number; subscribers: number; uncleanable: string[]}) =>
      [
        `Dati di ${phone}${name ? ` (${name})` : ''} da cancellare:`,
        `  iscrizione: ${p.subscribers > 0 ? 'sì' : 'no'} · richieste: ${p.requests} · destinatario in ${p.broadcastRecipients} invii`,
        `  ${p.files.length} file da riscrivere, ${plural(p.records, 'riga', 'righe')} in tutto:`,
        ...p.files.map(f => `    ${f.file} (${f.removed})`),
        ...(p.uncleanable.length > 0 ? [`  File da sistemare a mano: ${p.uncleanable.join(', ')}`] : []),
      ].join('\n'),
    summary: 'Cancella un cittadino da tutti i file della cartella dati (diritto alla cancellazione, art. 17 GDPR).',
  },
  export: {
    description:
      "Riunisce la riga del registro iscritti (con consenso e versione dell'informativa), tutte le richieste con il testo inviato dal cittadino, gli avvisi ricevuti con l'esito e le voci del registro delle operazioni. Con --out li scrive in un file (JSON se il nome finisce in .json, altrimenti testo) da consegnare al cittadino; con --json li stampa come un unico documento. La consultazione è annotata nel registro.",
    flags: {
      force: 'Sovrascrive il file se esiste già.',
      out: 'Scrive i dati in questo file (formato JSON se il nome finisce in .json, altrimenti testo leggibile).',
    },
    labels: {
      approvedBy: 'approvato da',
      audit: (n: number) => `Registro delle operazioni (${n} voci):`,
      broadcasts: (n: number) => `Avvisi inviati a questo numero (${n}):`,
      ceased: 'Cessato il',
      code: 'codice',
      consent: 'Consenso',
      name: 'Nome',
      none: 'nessuna iscrizione registrata',
      notice: 'informativa privacy del',
      received: 'ricevuta il',
      registry: 'Registro iscritti:',
      request: 'richiesta',
      requests: (n: number) => `Richieste (${n}):`,
      source: 'Fonte',
      status: 'Stato',
      subscribed: 'Iscritto il',
      test: 'prova',
      text: 'Testo',
      updated: 'Ultima modifica',
    },
    summary: 'Mostra tutti i dati che il Comune tratta per un cittadino (diritto di accesso, art. 15 GDPR).',
    title: (phone: string, at: string) => `Dati trattati per il numero ${phone} (estratti il ${at})`,
    written: (file: string) => `Dati scritti in ${file}`,
  },
  phoneArg: 'Numero di telefono del cittadino (es. +39 333 123 4567 oppure 3331234567).',
  purge: {
    citizens: (n: number) => `Cittadini cessati da cancellare (${n}):`,
    citizensHeader: ['Telefono', 'Nome', 'Cessato il'],
    confirm: "Cancellare definitivamente questi dati? L'operazione non si può annullare.",
    description:
      'Con il periodo di conservazione di config.json (retentionMonths) cancella, con la stessa procedura di "privacy erase", i cittadini la cui iscrizione è cessata prima del periodo e le richieste respinte, scartate o superate decise prima del periodo. Un cessato con una richiesta in attesa è mantenuto. Con --dry-run elenca soltanto cosa verrebbe cancellato.',
    done: (id: string, r: {files: unknown[]; records: number}) =>
      `Conservazione applicata (codice ${id}): ${plural(r.records, 'riga cancellata', 'righe cancellate')} in ${r.files.length} file. Annotata nel registro.`,
    dryRunNote: 'Prova (--dry-run): nessun file è stato modificato.',
    files: (n: number, records: number) => `File da riscrivere: ${n} (${plural(records, 'riga', 'righe')}).`,
    flags: {
      dryRun: 'Elenca cosa verrebbe cancellato, senza cancellare nulla.',
      yes: 'Non chiede conferma (per le attività pianificate).',
    },
    nothing: (months: number) => `Nulla da cancellare: niente è scaduto con un periodo di ${months} mesi.`,
    noTtyHint: 'Per vedere cosa verrebbe cancellato usare --dry-run; per cancellare senza domande aggiungere --yes.',
    policy: (months: number, cutoff: string) => `Periodo di conservazione: ${months} mesi (si cancella ciò che è chiuso prima del ${cutoff}).`,
    requests: (n: number) => `Richieste da cancellare (${n}):`,
    requestsHeader: ['Id', 'Telefono', 'Nome', 'Stato', 'Decisa il'],
    summary: 'Applica il periodo di conservazione: cancella i cessati e le richieste chiuse più vecchi del periodo.',
  },
  words: {
    consent: CONSENT_WORDS,
    delivery: DELIVERY,
    outcome: OUTCOME,
    requestStatus: REQUEST_WORDS,
    status: SUBSCRIBER_WORDS,
  },
}

export const help = {
  headers: {
    ALIASES: 'ALIAS',
    ARGUMENTS: 'ARGOMENTI',
    COMMANDS: 'COMANDI',
    DESCRIPTION: 'DESCRIZIONE',
    EXAMPLES: 'ESEMPI',
    'FLAG DESCRIPTIONS': 'DESCRIZIONE DELLE OPZIONI',
    FLAGS: 'OPZIONI',
    'GLOBAL FLAGS': 'OPZIONI GENERALI',
    TOPICS: 'ARGOMENTI',
    USAGE: 'USO',
    VERSION: 'VERSIONE',
  } as Record<string, string>,
}

export const importDelivery = {
  delivery: (stored: number, duplicates: number) =>
    `Stati di consegna dei nostri invii registrati: ${stored}${duplicates > 0 ? ` (già presenti: ${duplicates})` : ''}. Vedere "cerveno-info broadcast show <id>".`,
}
