/** Count and noun in agreement ("1 richiesta", "2 richieste"), the count in Italian digits (1.234). */
const nf = new Intl.NumberFormat('it-IT')

export function plural(n: number, one: string, many: string): string {
  return `${nf.format(n)} ${n === 1 ? one : many}`
}
