/** Words of the interactive prompts (yes/no questions, key hints). Pure data, like it.ts. */
export const prompts = {
  no: 'No',
  reviewKeys: '↑↓ per scegliere • Invio per confermare',
  yes: 'Sì',
  yesNoInvalid: (typed: string) => `Risposta non riconosciuta${typed ? ` («${typed}»)` : ''}: scrivere s (sì) oppure n (no), poi Invio.`,
}
