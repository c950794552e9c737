import {DateTime} from 'luxon'

import {type AuditEntry} from '../audit.js'
import {type Subscriber} from '../registry/types.js'
import {type RequestRecord} from '../requests/types.js'
import {TIME_ZONE} from '../time.js'
import {excelText, safeText} from './cells.js'

/** How a column's values are written: dates are typed dates for Excel, the rest text. */
export type CellKind = 'code' | 'date' | 'number' | 'text'

export interface ExportColumn<T> {
  key: string
  kind: CellKind
  value(row: T): number | string | undefined
}

/** Spreadsheet dialects: `excel` opens by double click in Italian Excel, `csv` is RFC 4180. */
export type Dialect = 'csv' | 'excel'

/** Italian column headers and value words come from the messages file, by column key. */
export interface Wording {
  headers: Record<string, string>
  /** Words for coded values by column key (status, consent, …); `*` is the word for any other code, else the code itself. */
  words: Record<string, Record<string, string>>
}

const text = <T>(key: string, value: (row: T) => string | undefined): ExportColumn<T> => ({key, kind: 'text', value})
const code = <T>(key: string, value: (row: T) => string | undefined): ExportColumn<T> => ({key, kind: 'code', value})
const date = <T>(key: string, value: (row: T) => string | undefined): ExportColumn<T> => ({key, kind: 'date', value})

/** Every field of iscritti.csv: status, every date and who decided. */
export const SUBSCRIBER_COLUMNS: ExportColumn<Subscriber>[] = [
  text('phone', s => s.phone),
  text('name', s => s.name),
  code('status', s => s.status),
  date('subscribedAt', s => s.subscribedAt),
  text('approvedBy', s => s.approvedBy),
  code('consent', s => s.consent),
  text('privacyNotice', s => s.privacyNotice),
  text('requestId', s => s.requestId),
  date('ceasedAt', s => s.ceasedAt),
  text('ceasedBy', s => s.ceasedBy),
  date('updatedAt', s => s.updatedAt),
]

export const REQUEST_COLUMNS: ExportColumn<RequestRecord>[] = [
  text('id', r => r.id),
  code('action', r => r.action),
  text('phone', r => r.phone ?? undefined),
  text('name', r => r.name ?? undefined),
  code('status', r => r.status),
  date('receivedAt', r => r.receivedAt),
  text('source', r => r.source),
  text('author', r => r.author),
  text('rawText', r => r.rawText),
  date('decidedAt', r => r.decidedAt),
  text('decidedBy', r => r.decidedBy),
  text('reason', r => r.reason),
  date('importedAt', r => r.importedAt),
]

const json = (v: unknown) => (v === undefined ? undefined : JSON.stringify(v))

export const AUDIT_COLUMNS: ExportColumn<AuditEntry>[] = [
  date('ts', a => a.ts),
  text('operator', a => a.operator),
  text('action', a => a.action),
  text('subject', a => a.subject),
  text('before', a => json(a.before)),
  text('after', a => json(a.after)),
]

/** One recipient of a broadcast's delivery report (the shape of `broadcast show --json`). */
export interface RecipientRow {
  delivery: null | string
  errorCode: null | number
  outcome: string
  phone: string
  wamid: null | string
}

export const BROADCAST_COLUMNS: ExportColumn<RecipientRow>[] = [
  text('phone', r => r.phone),
  code('outcome', r => r.outcome),
  code('delivery', r => r.delivery ?? undefined),
  {key: 'errorCode', kind: 'number', value: r => r.errorCode ?? undefined},
  code('explanation', r => (r.errorCode === null ? undefined : String(r.errorCode))),
  text('wamid', r => r.wamid ?? undefined),
]

/** Excel (Italian locale) reads `14/03/2025 09:21:00` as a date-time: sortable, filterable. */
function excelDate(iso: string, zone: string): string {
  const t = Date.parse(iso)
  if (!Number.isFinite(t)) return iso
  return DateTime.fromMillis(t, {zone}).toFormat('dd/LL/yyyy HH:mm:ss')
}

/**
 * The header and rows of an export as cell strings for the dialect: coded values in Italian words,
 * dates Italian for Excel and ISO 8601 for csv, every text cell neutralised against formulas.
 */
export function toCells<T>(
  columns: readonly ExportColumn<T>[],
  rows: Iterable<T>,
  dialect: Dialect,
  wording: Wording,
  zone = TIME_ZONE,
): string[][] {
  const asText = dialect === 'excel' ? excelText : safeText
  const out: string[][] = [columns.map(c => asText(wording.headers[c.key] ?? c.key))]
  for (const row of rows) {
    out.push(columns.map(c => {
      const v = c.value(row)
      if (v === undefined || v === '') return ''
      if (typeof v === 'number') return String(v)
      if (c.kind === 'date') return dialect === 'excel' ? excelDate(v, zone) : v
      if (c.kind === 'code') return asText(wording.words[c.key]?.[v] ?? wording.words[c.key]?.['*'] ?? v)
      return asText(v)
    }))
  }

  return out
}
