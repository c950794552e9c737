/**
 * Every sentence the clerk reads. Pure data: keys are checked by the compiler, so a mistyped key
 * does not build. Code, comments and keys are English; values are Italian.
 */
import {type ErrorCode, type ErrorParams} from '../core/errors.js'

type P = ErrorParams
const s = (v: number | string | undefined) => (v === undefined ? '' : String(v))

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

export const errors: Record<ErrorCode, (p: P) => string> = {
  ALREADY_ACTIVE: (p) => `Il numero ${s(p.phone)} è già iscritto e attivo: nessuna modifica.`,
  ALREADY_DECIDED: (p) => `La richiesta ${s(p.id)} è già stata decisa (${s(p.status)}): nessuna decisione applicata.`,
  API_FATAL: (p) => `WhatsApp ha rifiutato l'invio (codice ${s(p.code)}): ${s(p.hint)}`,
  BROADCAST_UNKNOWN: (p) => `Nessun invio con identificativo ${s(p.id)}. Vedere "cerveno-info broadcast list".`,
  CANCELLED: () => 'Operazione annullata.',
  CONFIG_INVALID: (p) => `Configurazione non valida in ${s(p.file)}: controllare il campo "${s(p.field)}".`,
  CONFIG_MISSING: (p) => `Manca la configurazione ${s(p.name)}. ${s(p.hint)}`,
  CONFIG_TOO_NEW: (p) =>
    `La cartella dati è stata scritta da una versione più recente di cerveno-info (formato ${s(p.found)}, questa versione legge fino al ${s(p.supported)}). Aggiornare cerveno-info.`,
  DATA_DIR_MISSING: (p) =>
    `La cartella dati ${s(p.dir)} non è ancora stata preparata. Eseguire prima: cerveno-info init`,
  FILE_ENCODING: (p) => `Il file ${s(p.file)} non è in UTF-8 (riga ${s(p.line)}).`,
  FILE_EXISTS: (p) => `Il file ${s(p.file)} esiste già. Usare --force per sovrascriverlo.`,
  FILE_ROW_INVALID: (p) =>
    `File ${s(p.file)}, riga ${s(p.line)}${p.column ? `, colonna "${s(p.column)}"` : ''}: ${ROW_REASONS[s(p.reason)] ?? s(p.reason)}. Correggere il file: nessuna modifica è stata fatta.`,
  FILE_UNREADABLE: (p) => `Impossibile leggere il file ${s(p.file)}: ${s(p.reason)}`,
  LOCK_HELD: (p) =>
    `La cartella dati ${s(p.dir)} è in uso da un altro comando di cerveno-info${p.pid ? ` (processo ${s(p.pid)})` : ''}. Attendere che finisca e riprovare.`,
  NAME_INVALID: () => 'Il nome è vuoto: indicare nome e cognome.',
  NO_TTY: (p) => `Questo comando chiede conferme, ma non c'è un terminale interattivo. ${s(p.hint)}`,
  NOT_SUBSCRIBED: (p) => `Il numero ${s(p.phone)} non risulta iscritto e attivo: nessuna modifica.`,
  NOTICE_INVALID: (p) => `Avviso non valido (${s(p.file)}): ${s(p.reason)}`,
  PARTIAL: (p) => `Completato con ${s(p.count)} errori.`,
  PHONE_INVALID: (p) =>
    `Numero di telefono non valido: "${s(p.input)}" ${PHONE_PROBLEMS[s(p.problem)] ?? ''}. Esempi validi: +39 333 123 4567, 3331234567.`,
  PHONE_REQUIRED: (p) => `La richiesta ${s(p.id)} non ha un numero di telefono: indicarlo prima di approvarla.`,
  UNKNOWN_REQUEST: (p) => `Nessuna richiesta con identificativo ${s(p.id)}: nessuna decisione applicata.`,
  USAGE: (p) => s(p.detail),
}

export const common = {
  jsonFlag: 'Stampa il risultato in JSON (per script), senza domande.',
  dataDirFlag: 'Cartella dati (predefinita: variabile CERVENO_INFO_DIR, altrimenti ~/cerveno-info).',
  operatorFlag: "Chi esegue l'operazione (predefinito: l'utente del computer).",
  unexpected: (detail: string) => `Errore imprevisto: ${detail}. Segnalarlo all'assistenza informatica.`,
  handEdited: (file: string) => `Nota: ${file} è stato modificato a mano dopo l'ultima scrittura; il file è valido ed è stato accettato (annotato nel registro).`,
  migrated: (from: number, to: number) => `Cartella dati aggiornata dal formato ${from} al formato ${to}.`,
}

export const init = {
  summary: 'Prepara la cartella dati (configurazione e file vuoti).',
  description:
    'Crea la cartella dati con config.json, iscritti.csv, richieste.csv e registro.jsonl. Si può ripetere senza rischi: i file esistenti non vengono toccati.',
  created: (dir: string, files: string[]) => `Cartella dati pronta: ${dir}\nCreati: ${files.join(', ')}`,
  already: (dir: string) => `La cartella dati ${dir} era già pronta: nessun file modificato.`,
  next: 'Controllare config.json (nome del comune, parola chiave, modello WhatsApp) prima del primo invio.',
}

export const subscribers = {
  summary: 'Elenca gli iscritti al servizio.',
  description: 'Mostra il registro degli iscritti, filtrato per stato o per nome/numero.',
  statusFlag: 'Quali iscritti mostrare: active (attivi), ceased (cessati) o all (tutti).',
  searchFlag: 'Cerca nel nome o nel numero.',
  none: 'Nessun iscritto corrisponde alla ricerca.',
  header: ['Telefono', 'Nome', 'Stato', 'Iscritto il', 'Cessato il', 'Approvato da'],
  status: {active: 'attivo', ceased: 'cessato'},
  total: (shown: number, all: number) => `${shown} di ${all} iscritti.`,
  add: {
    summary: 'Iscrive un cittadino presentatosi allo sportello.',
    description:
      "Registra l'iscrizione fatta di persona: il consenso (informativa privacy) è dato allo sportello e viene annotato con l'operatore.",
    phoneArg: 'Numero di telefono (es. +39 333 123 4567 oppure 3331234567).',
    nameArg: 'Nome e cognome, come indicati dal cittadino.',
    added: (name: string, phone: string) => `Iscritto: ${name} (${phone}).`,
    reactivated: (name: string, phone: string) => `Iscrizione riattivata: ${name} (${phone}).`,
  },
  remove: {
    summary: "Cessa l'iscrizione di un cittadino.",
    description:
      "Segna l'iscrizione come cessata con la data di oggi. Non cancella i dati: per la cancellazione usare i comandi privacy.",
    phoneArg: 'Numero di telefono del cittadino.',
    removed: (name: string, phone: string) => `Iscrizione cessata: ${name} (${phone}).`,
  },
}

export const stats = {
  summary: 'Statistiche del servizio.',
  description: 'Conta gli iscritti per stato e le richieste in attesa.',
  active: (n: number) => `Iscritti attivi:   ${n}`,
  ceased: (n: number) => `Iscrizioni cessate: ${n}`,
  total: (n: number) => `Totale nel registro: ${n}`,
}

export const requests = {
  summary: 'Elenca le richieste di iscrizione e cancellazione.',
  description: 'Mostra le richieste estratte dalle chat e dai webhook, con il loro stato. Per gli script usare --json.',
  statusFlag: 'Quali richieste: pending (in attesa, predefinito), approved, rejected, discarded, superseded o all.',
  none: 'Nessuna richiesta in questo stato.',
  header: ['Id', 'Azione', 'Telefono', 'Nome', 'Ricevuta', 'Stato'],
  status: {
    approved: 'approvata',
    discarded: 'scartata',
    pending: 'in attesa',
    rejected: 'respinta',
    superseded: 'superata',
  } as Record<string, string>,
  noPhone: '(numero mancante)',
  noName: '(nome mancante)',
  total: (n: number) => `${n} richieste.`,
}

export const review = {
  summary: 'Verifica le richieste in attesa e registra le decisioni.',
  description:
    "Mostra una per volta le richieste in attesa (dalla più vecchia) e chiede la decisione: approvare, respingere con un motivo, correggere nome o telefono, rimandare o scartare. Ogni decisione è salvata subito. Senza terminale interattivo usare --approve, --approve-all, --reject con --reason, --discard.",
  flags: {
    approve: 'Approva le richieste con questi identificativi.',
    approveAll: 'Approva tutte le richieste in attesa che si possono approvare.',
    reject: 'Respinge le richieste con questi identificativi (serve --reason).',
    reason: 'Motivo del rifiuto.',
    discard: 'Scarta le richieste con questi identificativi (spam, doppioni).',
  },
  noTtyHint:
    'Per decidere senza domande usare: --approve <id...>, --approve-all, --reject <id...> --reason "<motivo>", --discard <id...>. Per vedere la coda: cerveno-info requests',
  empty: 'Nessuna richiesta in attesa.',
  position: (i: number, n: number, id: string) => `Richiesta ${i} di ${n} — id ${id}`,
  labels: {
    action: 'Azione',
    phone: 'Telefono',
    name: 'Nome',
    received: 'Ricevuta',
    source: 'Fonte',
    text: 'Testo',
    state: 'Situazione',
    others: 'Altre richieste in attesa dallo stesso numero',
  },
  action: {OFF: 'CANCELLAZIONE (OFF)', ON: 'ISCRIZIONE (ON)'} as Record<string, string>,
  state: {
    none: 'non iscritto',
    active: (since: string, name: string) => `attivo dal ${since} (nome in registro: ${name})`,
    ceased: (on: string) => `cessato il ${on}`,
  },
  choice: {
    prompt: 'Decisione',
    approve: 'Approva',
    approveOn: (name: string) => `Approva: iscrive ${name}`,
    approveRename: (name: string) => `Approva: aggiorna il nome in ${name}`,
    approveOff: "Approva: cessa l'iscrizione",
    needPhone: 'Indica il numero di telefono (necessario per approvare)',
    needName: 'Indica il nome (necessario per approvare)',
    reject: 'Respingi…',
    correct: 'Correggi nome o telefono…',
    defer: 'Rimanda (resta in attesa)',
    discard: 'Scarta',
    discardOffNotSubscribed: 'Scarta (il numero non è iscritto: niente da cessare)',
    approveAll: (n: number) => `Approva tutte le rimanenti (${n})`,
    quit: 'Esci',
  },
  reasons: ['non residente', 'nome incompleto', 'numero non verificabile', 'richiesta doppia'],
  otherReason: 'Altro motivo (scrivi)…',
  reasonPrompt: 'Motivo del rifiuto',
  reasonTyped: 'Scrivi il motivo',
  correctWhat: 'Cosa correggere',
  correctName: 'Nome',
  correctPhone: 'Telefono',
  namePrompt: 'Nome e cognome',
  phonePrompt: 'Numero di telefono',
  nameEmpty: 'Il nome non può essere vuoto.',
  confirmAll: (n: number) => `Approvare tutte le ${n} richieste rimanenti?`,
  decided: {
    approve: 'Approvata.',
    reject: 'Respinta.',
    discard: 'Scartata.',
    defer: 'Rimandata.',
    corrected: 'Corretta.',
  },
  skippedAll: (n: number) => `${n} richieste non approvabili restano in attesa (numero o nome mancante, oppure cancellazione di un non iscritto).`,
  summary_: (a: {approved: number; deferred: number; discarded: number; pending: number; rejected: number}) =>
    `Riepilogo: ${a.approved} approvate, ${a.rejected} respinte, ${a.discarded} scartate, ${a.deferred} rimandate, ${a.pending} ancora in attesa.`,
  rejectNeedsReason: 'Per respingere serve il motivo: --reason "<motivo>".',
}

export const importCmd = {
  summary: 'Importa le chat WhatsApp esportate e i webhook della Cloud API.',
  description:
    'Legge file e cartelle: chat esportate dal telefono (.txt o .zip, Android e iPhone) e file di webhook della Cloud API (.json, .ndjson). Estrae soltanto le richieste "Servizio Info ON/OFF" e le mette in attesa di verifica; tutti gli altri messaggi sono ignorati. Importare di nuovo lo stesso file non aggiunge nulla.',
  pathsArg: 'File o cartelle da importare.',
  flags: {
    phone: 'Numero del cittadino per una chat singola il cui numero non compare (contatto salvato in rubrica).',
    self: 'Nome con cui appare il comune nelle chat (ripetibile; si aggiunge a quelli in config.json).',
    dateOrder: 'Ordine delle date se il file non lo rivela: dmy (giorno/mese/anno), mdy, ymd.',
    dryRun: 'Mostra cosa verrebbe importato senza scrivere nulla.',
    showIgnored: 'Elenca i messaggi ignorati che nominano la parola chiave (quasi-richieste).',
  },
  format: {'chat-txt': 'chat (.txt)', 'chat-zip': 'chat (.zip)', unknown: 'sconosciuto', webhook: 'webhook'} as Record<string, string>,
  dateOrder: {dmy: 'giorno/mese/anno', mdy: 'mese/giorno/anno', ymd: 'anno/mese/giorno'} as Record<string, string>,
  dateReason: {
    batch: 'come gli altri file importati insieme',
    default: 'predefinito (nessun indizio nel file)',
    'field-over-12': 'un giorno maggiore di 12 lo rivela',
    locale: 'lingua del file',
    option: 'opzione --date-order',
    'year-first': "l'anno è scritto per primo",
  } as Record<string, string>,
  fileLine: (file: string, format: string, messages: number, requests: number, ignored: number) =>
    `${file}: ${format}, ${messages} messaggi, ${requests} richieste, ${ignored} ignorati`,
  fileStatuses: (n: number) => `, ${n} stati di consegna`,
  fileDate: (order: string, reason: string) => `   date lette come ${order} (${reason})`,
  fileError: (file: string, why: string) => `${file}: NON IMPORTATO — ${why}`,
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
  atLine: (why: string, line?: number, entry?: string) => `${why}${entry ? ` (in ${entry})` : ''}${line ? `, riga ${line}` : ''}`,
  totals: (a: {duplicates: number; newRequests: number; superseded: number; unresolvedPhones: number}) =>
    `Richieste nuove: ${a.newRequests} · già importate: ${a.duplicates} · superate da una più recente: ${a.superseded} · senza numero: ${a.unresolvedPhones}`,
  unresolvedHint: 'Le richieste senza numero restano in attesa: il numero si indica durante "cerveno-info review".',
  dryRun: 'Prova (--dry-run): nessun file è stato modificato.',
  next: 'Per verificarle: cerveno-info review',
  nearMissHeader: 'Messaggi ignorati che nominano la parola chiave:',
  nearMiss: (source: string, who: string, text: string) => `  ${source} ${who}: ${text}`,
  failedFiles: (n: number) => `${n} file non importati: vedere sopra. Gli altri sono stati importati.`,
  handEdited: (file: string) => `Nota: ${file} era stato modificato a mano; il file è valido ed è stato accettato.`,
}
