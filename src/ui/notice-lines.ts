/** The lines about a notice's title, attachment and cost in the plan (confirmation, --dry-run) and in `broadcast show`. */
import {cost, type CostFigure, formatCost} from '../core/broadcast/cost.js'
import {type RunHeader} from '../core/broadcast/header.js'
import {type MediaRecord} from '../core/broadcast/media.js'
import {formatItalian} from '../core/time.js'
import {notices as t} from '../messages/notices.js'

/** What a title or file name may show: no control characters reach the terminal. */
// eslint-disable-next-line no-control-regex
const safe = (text: string) => text.replaceAll(/[\u0000-\u001F\u007F-\u009F]/g, '?')

export function headerLines(header: RunHeader | undefined): string[] {
  if (header === undefined) return []
  if (header.kind === 'text') return [t.title(safe(header.text))]
  const {attachment} = header
  return [t.attachment({...attachment, fileName: safe(attachment.fileName)})]
}

export function mediaLines(media: undefined | {expired: boolean; reuse: false} | {record: MediaRecord; reuse: true}, dryRun: boolean): string[] {
  if (media === undefined) return []
  if (media.reuse) return [t.mediaReused(formatItalian(media.record.at))]
  return dryRun ? [t.mediaPlaceholder] : [t.mediaToUpload(media.expired), t.mediaPlaceholder]
}

/** "Costo stimato: N × € x = € y" for the messages to send; nothing without a price. */
export function estimatedCostLines(messages: number, price: number | undefined): string[] {
  if (price === undefined || messages <= 0) return []
  return [t.costEstimated(formatCost(cost(messages, price)))]
}

/** `broadcast show`: the estimate for the run's recipients and the figure from delivered statuses. */
export function reportCostLines(c: undefined | {actual: CostFigure | null; estimated: CostFigure}): string[] {
  if (c === undefined) return []
  return [t.costEstimated(formatCost(c.estimated)), c.actual === null ? t.costActualNone : t.costActual(formatCost(c.actual))]
}
