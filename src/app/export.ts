import {stat} from 'node:fs/promises'
import path from 'node:path'

import {CervenoError} from '../core/errors.js'
import {
  type ExportFormat, type ExportWhat, selectAudit, selectRecipients, selectRequests, selectSubscribers,
} from '../core/export/select.js'
import {dayStamp} from '../core/export/since.js'
import {
  auditColumns, BROADCAST_COLUMNS, type Dialect, type ExportColumn, REQUEST_COLUMNS, SUBSCRIBER_COLUMNS, toCells, toXlsxRows, type Wording,
} from '../core/export/tables.js'
import {vcardFiles} from '../core/export/vcard.js'
import {type DataFolder, FILES, type MutationContext} from '../io/data-folder.js'
import {xlsxBytes} from '../io/xlsx.js'
import {showBroadcast} from './broadcast.js'
import {
  csvText, exists, readAuditEntries, writeNewFiles,
} from './export-files.js'

export interface ExportOptions {
  /** Italian names of the fields in the audit's before/after. */
  fieldLabels: Record<string, string>
  force: boolean
  format: ExportFormat
  /** The broadcast id, for `broadcast`. */
  id?: string
  /** A file, or an existing folder to write the default name into; absolute. */
  out?: string
  /** Worksheet names of an xlsx export, per table. */
  sheetNames: Record<ExportWhat, string>
  since?: Date
  status?: string
  /** Italian labels of a delivery report's totals rows (Excel only), by totals key. */
  totalsLabels: Record<string, string>
  what: ExportWhat
  /** Italian headers and words, per table. */
  wording: Record<ExportWhat, Wording>
}

export interface ExportResult {
  files: string[]
  format: ExportFormat
  rows: number
  what: ExportWhat
}

/** Default file names (Italian, like the data folder's own files), before `-YYYY-MM-DD.<ext>`. */
function stem(what: ExportWhat, id?: string): string {
  if (what === 'broadcast') return `invio-${id}`
  return {audit: 'registro', requests: 'richieste', subscribers: 'iscritti'}[what]
}

async function isDir(p: string): Promise<boolean> {
  try {
    return (await stat(p)).isDirectory()
  } catch {
    return false
  }
}

const EXTENSION: Record<ExportFormat, string> = {
  csv: 'csv', excel: 'csv', vcf: 'vcf', xlsx: 'xlsx',
}

/**
 * Where the export goes: --out (a file, or a folder for the default name), else esportazioni/. A default name
 * already taken (a second export the same day) gets the next number, `-2`, `-3`…, unless --force overwrites it.
 */
async function targetPath(folder: DataFolder, o: ExportOptions, now: Date): Promise<string> {
  const stemDay = `${stem(o.what, o.id)}-${dayStamp(now)}`
  const ext = EXTENSION[o.format]
  let dir: string
  if (!o.out) dir = path.join(folder.dir, FILES.exports)
  else if (await isDir(o.out)) dir = o.out
  else return o.out
  if (o.force) return path.join(dir, `${stemDay}.${ext}`)
  for (let n = 1; ; n++) {
    const candidate = path.join(dir, `${stemDay}${n === 1 ? '' : `-${n}`}.${ext}`)
    // A vCard export of many files is `name-1.vcf`…: the first of them tells whether the name is taken.
    if (!(await exists(candidate)) && !(await exists(numbered(candidate, 2)[0]))) return candidate
  }
}

/** `name.vcf` → `name-1.vcf`, `name-2.vcf`… when the contacts need more than one file. */
function numbered(file: string, count: number): string[] {
  if (count <= 1) return [file]
  const ext = path.extname(file)
  const base = file.slice(0, file.length - ext.length)
  return Array.from({length: count}, (_, i) => `${base}-${i + 1}${ext}`)
}

function checkOptions(o: ExportOptions): void {
  if (o.what === 'broadcast' && !o.id) throw new CervenoError('EXPORT_OPTION_INVALID', {reason: 'id', what: o.what})
  if (o.what !== 'broadcast' && o.id) throw new CervenoError('EXPORT_OPTION_INVALID', {reason: 'extraId', value: o.id, what: o.what})
  if (o.format === 'vcf' && o.what !== 'subscribers') throw new CervenoError('EXPORT_OPTION_INVALID', {reason: 'vcf', what: o.what})
}

/**
 * Exports a table under the data-folder lock (a consistent read; an erasure cannot run half-way
 * through), writes the file(s) atomically and records the export in the audit log.
 */
export async function runExport(folder: DataFolder, ctx: MutationContext, o: ExportOptions): Promise<ExportResult & {handEdited: string[]}> {
  checkOptions(o)
  await folder.config()
  return folder.mutate(ctx, async tx => {
    const target = await targetPath(folder, o, ctx.now)
    const dialect: Dialect = o.format === 'csv' ? 'csv' : 'excel'
    const sel = {since: o.since, status: o.status}
    let files: {content: Buffer | string; path: string}[]
    let rows: number
    const table = async <T>(columns: ExportColumn<T>[], list: T[], after: string[][] = []) => {
      rows = list.length
      const wording = o.wording[o.what]
      const content = o.format === 'xlsx'
        ? await xlsxBytes({
          header: columns.map(c => wording.headers[c.key] ?? c.key), name: o.sheetNames[o.what], rows: toXlsxRows(columns, list, wording), trailer: after.filter(r => r.length > 0),
        })
        : csvText([...toCells(columns, list, dialect, wording), ...after], dialect)
      files = [{content, path: target}]
    }

    switch (o.what) {
    case 'audit': {
      await table(auditColumns(o.fieldLabels), selectAudit(await readAuditEntries(folder), sel))
      break
    }

    case 'broadcast': {
      const report = await showBroadcast(folder, o.id!)
      const list = selectRecipients(report.recipients, sel)
      // People read the totals under the table; a program reading RFC 4180 wants one table only.
      const totals
        = dialect === 'excel' || o.format === 'xlsx'
          ? [[], ...Object.entries(report.totals).map(([k, v]) => [o.totalsLabels[k] ?? k, String(v)])].map(r => [...r, ...Array.from({length: Math.max(0, BROADCAST_COLUMNS.length - r.length)}, () => '')])
          : []
      await table(BROADCAST_COLUMNS, list, totals)
      break
    }

    case 'requests': {
      await table(REQUEST_COLUMNS, selectRequests(await tx.requests(), sel))
      break
    }

    case 'subscribers': {
      // A vCard list feeds a broadcast list: only people who want the messages, unless asked otherwise.
      const list = selectSubscribers(await tx.subscribers(), {...sel, status: sel.status ?? (o.format === 'vcf' ? 'active' : undefined)})
      if (o.format === 'vcf') {
        const contents = vcardFiles(list.map(s => ({name: s.name, phone: s.phone})))
        const paths = numbered(target, contents.length)
        files = contents.map((content, i) => ({content, path: paths[i]}))
        rows = list.length
      } else await table(SUBSCRIBER_COLUMNS, list)
      break
    }
    }

    await writeNewFiles(tx, files!, o.force)
    const shown = files!.map(f => (f.path.startsWith(folder.dir + path.sep) ? path.relative(folder.dir, f.path) : f.path))
    tx.audit({action: `export.${o.what}`, after: {files: shown, format: o.format, rows: rows!}, subject: o.what === 'broadcast' ? o.id! : o.what})
    return {
      files: files!.map(f => f.path), format: o.format, handEdited: tx.handEdits.map(h => h.file), rows: rows!, what: o.what,
    }
  })
}
