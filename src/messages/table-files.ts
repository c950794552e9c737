/** The Italian text about the data folder's CSV tables a clerk edited by hand. Pure data. */
import {type ErrorParams} from '../core/errors.js'

type P = ErrorParams
const s = (v: number | string | undefined) => (v === undefined ? '' : String(v))

/** `backup/iscritti.` for iscritti.csv: where the previous versions of a file are. */
const backupOf = (file: string) => `backup/${(file.split(/[\\/]/).at(-1) ?? file).replace(/\.csv$/, '')}.`
const plural = (lines: string) => (lines.includes(',') ? `righe ${lines}` : `riga ${lines}`)
const none = 'Nessuna modifica è stata fatta.'

/** Reasons of FILE_ROW_INVALID for hand-edited tables. */
export const tableRowReasons: Record<string, string> = {
  decidedWithoutDecision:
    'la richiesta è segnata come decisa ma mancano la data (deciso_il) o chi ha deciso (deciso_da). Le decisioni si prendono con "cerveno-info review", che aggiorna anche gli iscritti: rimettere lo stato "in_attesa" e decidere con review (oppure, se la decisione è già stata registrata, completare deciso_il e deciso_da)',
  encoding:
    'la riga non è né in UTF-8 né in Windows-1252 (caratteri illeggibili): riscriverla, oppure salvare il file come "CSV UTF-8"',
}

export const tableErrors = {
  FILE_CHARS_LOST: (p: P) =>
    `File ${s(p.file)}, ${plural(s(p.lines))}${Number(p.rows) > 10 ? ` (${s(p.rows)} righe in tutto)` : ''}: il file è stato salvato (da Excel) nella codifica Windows-1252, che non ha alcuni caratteri dei nomi; sono diventati "?" (${s(p.values)}). Riaprire il file in Excel, correggere quei nomi e salvarlo con "Salva con nome" → "CSV UTF-8 (delimitato da virgole)"; oppure ripristinare l'ultima copia da ${backupOf(s(p.file))}… ${none}`,
  FILE_DUPLICATE_ROWS: (p: P) =>
    `File ${s(p.file)}, righe ${s(p.lines)}: ${p.what === 'phone' ? `il numero ${s(p.key)}` : `la richiesta ${s(p.key)}`} compare in più righe${Number(p.others) > 0 ? ` (e altri ${s(p.others)} ripetuti)` : ''}. ${
      p.what === 'phone'
        ? 'Ogni cittadino deve avere una sola riga, altrimenti gli invii e "subscribers remove" non sanno quale vale: tenere la riga giusta (lo stato attuale del cittadino), cancellare le altre e salvare.'
        : 'Ogni richiesta deve avere una sola riga: tenere quella con la decisione giusta, cancellare le altre e salvare.'
    } ${none}`,
  FILE_EMPTY: (p: P) =>
    `Il file ${s(p.file)} è vuoto: manca anche la riga di intestazione, quindi non è un elenco vuoto ma un file svuotato (per errore, o da un programma interrotto). Ripristinare l'ultima copia da ${backupOf(s(p.file))}… (la più recente), poi riprovare. Se deve davvero essere vuoto, cancellare il file ed eseguire "cerveno-info init", che lo ricrea con la sola intestazione. ${none}`,
}
