/** Italian text for erasure tombstones: import summary and review card. */
export const erasure = {
  card: (day: string) => `Attenzione: i dati di questo numero sono stati cancellati il ${day.split('-').reverse().join('/')} su richiesta del cittadino (privacy erase). Questa è una richiesta nuova.`,
  cardLabel: 'Privacy',
  skipped: (n: number) =>
    `${n === 1 ? '1 richiesta non importata' : `${n} richieste non importate`}: ${n === 1 ? 'appartiene' : 'appartengono'} a cittadini i cui dati sono stati cancellati su loro richiesta (privacy erase).`,
}
