/**
 * A real Excel workbook (exceljs): phones and names as text cells (no apostrophe, never a formula: a string cell
 * is not evaluated), dates as dates, a bold frozen header row with filters. Loaded lazily: exceljs is large.
 */
import {type XlsxCell} from '../core/export/tables.js'

export interface XlsxSheet {
  /** Column widths in characters, from the content. */
  header: string[]
  name: string
  rows: XlsxCell[][]
  /** Rows shown under the table (totals), without filters. */
  trailer?: string[][]
}

/** Rome wall time as Excel stores it: a serial with no zone, so the components go in as if UTC. */
function wallDate(wall: string): Date {
  const [d, t = '00:00:00'] = wall.split('T')
  const [y, mo, da] = d.split('-').map(Number)
  const [h, mi, s] = t.split(':').map(Number)
  return new Date(Date.UTC(y, mo - 1, da, h, mi, s || 0))
}

export async function xlsxBytes(sheet: XlsxSheet): Promise<Buffer> {
  const {default: ExcelJS} = await import('exceljs')
  const book = new ExcelJS.Workbook()
  book.creator = 'cerveno-info'
  const ws = book.addWorksheet(sheet.name.slice(0, 31), {views: [{state: 'frozen', ySplit: 1}]})
  ws.addRow(sheet.header).font = {bold: true}
  const widths = sheet.header.map(h => h.length)
  for (const cells of sheet.rows) {
    const row = ws.addRow(cells.map(c => (c === null ? null : (typeof c === 'object' ? wallDate(c.wall) : c))))
    for (const [i, c] of cells.entries()) {
      const cell = row.getCell(i + 1)
      if (c !== null && typeof c === 'object') cell.numFmt = 'dd/mm/yyyy hh:mm:ss'
      else if (typeof c === 'string') cell.numFmt = '@'
      const shown = c === null ? 0 : (typeof c === 'object' ? 19 : Math.min(60, Math.max(...String(c).split('\n').map(l => l.length))))
      widths[i] = Math.max(widths[i], shown)
    }
  }

  for (const [i, col] of ws.columns.entries()) {
    col.width = Math.min(62, (widths[i] ?? 10) + 2)
  }

  ws.autoFilter = {from: {column: 1, row: 1}, to: {column: Math.max(1, sheet.header.length), row: 1 + sheet.rows.length}}
  if (sheet.trailer && sheet.trailer.length > 0) {
    ws.addRow([])
    for (const r of sheet.trailer) ws.addRow(r)
  }

  return Buffer.from(await book.xlsx.writeBuffer())
}
