/**
 * What a notice costs (cloud-api.md §9.4): Meta charges every delivered template message at the rate of the
 * recipient's country and the template's category. The comune reads its rate on Meta's rate card and puts it
 * in config.json (`pricePerMessage`, euro); without it nothing is shown. Sums are done in millionths of a
 * euro, so that 600 × € 0,0354 is exactly € 21,24.
 */

const MICRO = 1_000_000

export interface CostFigure {
  /** Messages counted (to send, or delivered). */
  messages: number
  /** Euro per message. */
  price: number
  /** Euro, rounded to the cent. */
  total: number
}

export function cost(messages: number, price: number): CostFigure {
  const micro = Math.round(price * MICRO) * messages
  return {messages, price, total: Math.round(micro / (MICRO / 100)) / 100}
}

/** Sums figures that may carry different prices (runs of different quarters). */
export function sumCosts(figures: readonly CostFigure[]): {messages: number; total: number} {
  let cents = 0
  let messages = 0
  for (const f of figures) {
    cents += Math.round(f.total * 100)
    messages += f.messages
  }

  return {messages, total: cents / 100}
}

const PRICE = new Intl.NumberFormat('it-IT', {maximumFractionDigits: 6, minimumFractionDigits: 2})
const EURO = new Intl.NumberFormat('it-IT', {maximumFractionDigits: 2, minimumFractionDigits: 2})
const COUNT = new Intl.NumberFormat('it-IT', {maximumFractionDigits: 0})

/** "€ 0,0354" (the rate, as many decimals as it has, at least 2). */
export function formatPrice(euro: number): string {
  return `€ ${PRICE.format(euro)}`
}

/** "€ 1.234,50". */
export function formatEuro(euro: number): string {
  return `€ ${EURO.format(euro)}`
}

/** "600 × € 0,0354 = € 21,24". */
export function formatCost(figure: CostFigure): string {
  return `${COUNT.format(figure.messages)} × ${formatPrice(figure.price)} = ${formatEuro(figure.total)}`
}

/** What the month's notices cost, from their delivered messages (`stats`). */
export interface MonthCost {
  /** Delivered messages of the month's runs. */
  messages: number
  /** YYYY-MM in the comune's time zone. */
  month: string
  /** Runs of the month with a price but no status imported yet (not in the total). */
  runsWithoutStatuses: number
  total: number
}

/** Sums the delivered cost of the runs started in `month` (their startedAt is Rome time, so its first 7 characters). */
export function monthCost(runs: ReadonlyArray<{actual: CostFigure | null; startedAt: string}>, month: string): MonthCost {
  const inMonth = runs.filter(r => r.startedAt.slice(0, 7) === month)
  const sum = sumCosts(inMonth.flatMap(r => (r.actual === null ? [] : [r.actual])))
  return {...sum, month, runsWithoutStatuses: inMonth.filter(r => r.actual === null).length}
}
