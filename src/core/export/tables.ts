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

/**
 * An audit entry's before/after as the clerk reads it: one "campo: valore" per line, field names in Italian where
 * the tables have a header for them, nested values as compact JSON.
 */
export function fieldsText(v: unknown, labels: Record<string, string> = {}): string | undefined {
  if (v === undefined || v === null) return undefined
  if (typeof v !== 'object' || Array.isArray(v)) return typeof v === 'string' ? v : JSON.stringify(v)
  return Object.entries(v as Record<string, unknown>)
  .filter(([, x]) => x !== undefined && x !== null && x !== '')
  .map(([k, x]) => `${labels[k] ?? k}: ${typeof x === 'string' ? x : (Array.isArray(x) && x.every(i => typeof i === 'string') ? x.join(', ') : JSON.stringify(x))}`)
  .join('\n')
}

/** The audit's columns; `labels` are the Italian names of the fields its before/after carry. */
export const auditColumns = (labels: Record<string, string> = {}): ExportColumn<AuditEntry>[] => [
  date('ts', a => a.ts),
  text('operator', a => a.operator),
  code('action', a => a.action),
  text('subject', a => a.subject),
  text('before', a => fieldsText(a.before, labels)),
  text('after', a => fieldsText(a.after, labels)),
]

export const AUDIT_COLUMNS = auditColumns()

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

/** A workbook cell: text, number, a date as Rome wall time (`yyyy-mm-ddTHH:mm:ss`), or empty. */
export type XlsxCell = null | number | string | {wall: string}

/**
 * The rows of an export as typed workbook cells: coded values in Italian words, dates as dates. No formula
 * neutralising is needed: a workbook's text cell is never evaluated.
 */
export function toXlsxRows<T>(columns: readonly ExportColumn<T>[], rows: Iterable<T>, wording: Wording, zone = TIME_ZONE): XlsxCell[][] {
  const out: XlsxCell[][] = []
  for (const row of rows) {
    out.push(columns.map(c => {
      const v = c.value(row)
      if (v === undefined || v === '') return null
      if (typeof v === 'number') return v
      if (c.kind === 'date') {
        const t = Date.parse(v)
        return Number.isFinite(t) ? {wall: DateTime.fromMillis(t, {zone}).toFormat("yyyy-LL-dd'T'HH:mm:ss")} : v
      }

      if (c.kind === 'code') return wording.words[c.key]?.[v] ?? wording.words[c.key]?.['*'] ?? v
      return v
    }))
  }

  return out
}

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
