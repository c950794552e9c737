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
