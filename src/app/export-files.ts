import {stringify} from 'csv-stringify/sync'
import {createReadStream} from 'node:fs'
import {access, mkdir} from 'node:fs/promises'
import path from 'node:path'
import {createInterface} from 'node:readline'

import {type AuditEntry} from '../core/audit.js'
import {CervenoError} from '../core/errors.js'
import {type Dialect} from '../core/export/tables.js'
import {type DataFolder, FILES, type Transaction} from '../io/data-folder.js'

/** Every parsable line of registro.jsonl, streamed (a torn last line is skipped). */
export async function readAuditEntries(folder: DataFolder, each?: (e: AuditEntry) => void): Promise<AuditEntry[]> {
  const out: AuditEntry[] = []
  const file = path.join(folder.dir, FILES.audit)
  try {
    await access(file)
  } catch {
    return out
  }

  const lines = createInterface({crlfDelay: Infinity, input: createReadStream(file, {encoding: 'utf8'})})
  for await (const line of lines) {
    if (line.trim() === '') continue
    let e: AuditEntry
    try {
      e = JSON.parse(line) as AuditEntry
    } catch {
      continue
    }

    if (each) each(e)
    else out.push(e)
  }

  return out
}

/**
 * CSV text with csv-stringify. `excel`: UTF-8 BOM (Excel detects UTF-8 only with it), `;` (the list
 * separator of the Italian locale, so a double click splits the columns), CRLF. `csv`: RFC 4180
 * (comma, CRLF, no BOM). Both quote any field holding a line break, as RFC 4180 requires
 * (csv-stringify alone does not when the record delimiter is CRLF).
 */
export function csvText(cells: string[][], dialect: Dialect): string {
  return stringify(cells, {
    bom: dialect === 'excel',
    delimiter: dialect === 'excel' ? ';' : ',',
    quoted_match: /[\r\n]/,
    record_delimiter: '\r\n',
  })
}

export async function exists(p: string): Promise<boolean> {
  try {
    await access(p)
    return true
  } catch {
    return false
  }
}

/**
 * Writes every file with the change `tx` (the transaction protocol: checked, synced, all or none, privately 0600):
 * an existing file stops everything with FILE_EXISTS (exit 4) unless `force`. A file that could not be written
 * whole is never reported as written: the change fails with it.
 */
export async function writeNewFiles(tx: Transaction, files: readonly {content: Buffer | string; path: string}[], force: boolean): Promise<void> {
  if (!force) {
    for (const f of files) {
      if (await exists(f.path)) throw new CervenoError('FILE_EXISTS', {file: f.path})
    }
  }

  for (const f of files) {
    await mkdir(path.dirname(f.path), {mode: 0o700, recursive: true})
    tx.writeExport(path.resolve(f.path), f.content)
  }
}
