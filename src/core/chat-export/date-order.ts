/** Day-first or month-first, decided per file (chat-formats.md §4 recommendation). */

export type DateOrder = 'dmy' | 'mdy' | 'ymd'

export type DateOrderReason = 'batch' | 'default' | 'field-over-12' | 'locale' | 'option' | 'year-first'

/** What in the file or its name hinted at the locale. */
export type LocaleCue = 'english-title-ampm' | 'italian-text' | 'italian-title'

export interface DateOrderDecision {
  order: DateOrder
  reason: DateOrderReason
}

/** What one file says about its date order; `decided` is null when only the batch or an option can tell. */
export interface DateOrderEvidence {
  decided: DateOrderDecision | null
  /** Headers whose first date field is above 12 (so it is the day). */
  firstOver12: number
  /** Looked for only when the fields do not decide (it may scan the whole text). */
  locale: null | {cue: LocaleCue; order: 'dmy' | 'mdy'}
  /** Headers whose second date field is above 12. */
  secondOver12: number
  yearFirst: boolean
}

export interface DateOrderOptions {
  /** The order most files of the same batch were decided with (see batchDateOrder). */
  batchOrder?: DateOrder | null
  /** `--date-order`: used when neither the file nor the batch decides. */
  dateOrder?: DateOrder | null
}

/** The deployment's default when nothing else decides: Italian phones write day first. */
export const DEFAULT_DATE_ORDER: DateOrder = 'dmy'

export function decideFromEvidence(e: Omit<DateOrderEvidence, 'decided'>): DateOrderDecision | null {
  if (e.yearFirst) return {order: 'ymd', reason: 'year-first'}
  if (e.firstOver12 > 0 || e.secondOver12 > 0) {
    return {order: e.firstOver12 >= e.secondOver12 ? 'dmy' : 'mdy', reason: 'field-over-12'}
  }

  if (e.locale) return {order: e.locale.order, reason: 'locale'}
  return null
}

/** The file's own decision, else the batch majority, else the option, else day first. */
export function decideDateOrder(evidence: DateOrderEvidence, options: DateOrderOptions = {}): DateOrderDecision {
  if (evidence.decided) return evidence.decided
  if (options.batchOrder) return {order: options.batchOrder, reason: 'batch'}
  if (options.dateOrder) return {order: options.dateOrder, reason: 'option'}
  return {order: DEFAULT_DATE_ORDER, reason: 'default'}
}

/**
 * The day/month order most files of a batch decided on their own (year-first files say nothing
 * about it). Null on a tie or when no file decided.
 */
export function batchDateOrder(evidences: Iterable<DateOrderEvidence>): 'dmy' | 'mdy' | null {
  let dmy = 0
  let mdy = 0
  for (const e of evidences) {
    if (e.decided?.order === 'dmy') dmy++
    else if (e.decided?.order === 'mdy') mdy++
  }

  if (dmy === mdy) return null
  return dmy > mdy ? 'dmy' : 'mdy'
}
