/** Italian text of the data folder's own failures: disk full, a file changed while a command ran. */
type P = Record<string, number | string | undefined>
const s = (v: number | string | undefined) => (v === undefined ? '' : String(v))

const DONE: Record<string, string> = {
  none: 'nessuna modifica è stata fatta, i file originali sono intatti',
  pending: 'la modifica è stata registrata ma non completata: il prossimo comando la completerà da solo, appena ci sarà spazio',
  unknown: 'l\'operazione si è fermata a metà; i file già scritti restano validi',
}

export const dataFolderErrors = {
  DISK_FULL: (p: P) =>
    `Spazio su disco esaurito ${p.dir ? `nella cartella ${s(p.dir)}` : 'nella cartella dati'}: ${DONE[s(p.done)] ?? DONE.unknown}. Liberare spazio su disco e ripetere il comando.`,
  FILE_CHANGED: (p: P) =>
    `Il file ${s(p.file)} è stato modificato da un altro programma mentre cerveno-info lavorava: la modifica fatta a mano è stata mantenuta e quella di questo comando non è stata applicata. Chiudere il file (per esempio in Excel) e ripetere il comando.`,
}

export const dataFolderNotes = {
  handEditKept: (file: string, kept: string) =>
    `Attenzione: ${file} è stato salvato da un altro programma mentre cerveno-info completava una modifica. La modifica di cerveno-info è stata applicata; la versione salvata a mano è conservata in ${kept}: confrontarla e riportare a mano ciò che manca (con "cerveno-info subscribers add" o "review").`,
}
