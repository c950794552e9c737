/**
 * Spreadsheet-safe cells (OWASP "CSV Injection").
 *
 * A cell whose first character is `= + - @`, a tab or a CR is read as a formula by Excel, LibreOffice
 * and Google Sheets; names come from strangers (`=HYPERLINK("http://x","y")`, `@SUM(1)`). Such a cell
 * gets a leading apostrophe, OWASP's mitigation. Why the apostrophe and not the alternatives:
 * - When Excel *opens* a CSV (double click) the apostrophe is not the hidden "text" marker of typed
 *   input: it stays in the value and is shown (apache/superset#13735 tested it: Excel displays
 *   `'=10+20`). That is what we want: visibly inert text, never evaluated.
 * - A leading tab is itself on OWASP's list (some programs trim whitespace, then evaluate), and
 *   Excel trims leading whitespace of unquoted numbers.
 * - `="+393331234567"` keeps a phone as text only by being a formula: exactly what we refuse.
 * - Quoting a field (`"+393331234567"`) changes nothing: Excel types the unquoted value, so
 *   `+393331234567` becomes the number 3,93333E+11 and digits after the 15th are lost on save.
 * Phones therefore come out as `'+393331234567`: text, no scientific notation, still readable and
 * searchable as a phone (the `+39…` is intact after the mark). OWASP also notes that a clerk who
 * re-edits such a cell in Excel turns the mark back into Excel's hidden marker; that re-saved file is
 * the clerk's, not ours.
 */

/** First characters that start a formula, including the full-width forms East-Asian Excel accepts. */
const TRIGGERS = new Set(['\t', '\r', '\uFF0D', '+', '-', '=', '@', '\uFF20', '\uFF0B', '\uFF1D'])

/** True when a spreadsheet could evaluate the cell (leading spaces are skipped, as some programs do). */
export function isFormulaLike(value: string): boolean {
  const first = value.replace(/^[ \u00A0\n]+/, '').charAt(0)
  return first !== '' && TRIGGERS.has(first)
}

/**
 * What Excel's "open CSV" would silently turn into a number or a date (ids like `0123456789` or
 * `12e4567890`, a name typed as `1/2`): marked as text the same way.
 */
export function excelWouldConvert(value: string): boolean {
  const v = value.trim()
  if (v === '') return false
  return (
    /^[+-]?(\d[\d.,' ]*)(e[+-]?\d+)?%?$/i.test(v)
    || /^\d{1,4}[/.-]\d{1,2}([/.-]\d{1,4})?(\s|$)/.test(v)
    || /^\d{1,2}:\d{2}/.test(v)
    || /^\d{1,2}[- ][a-z]{3,}/i.test(v)
  )
}

/** A text cell for any spreadsheet format: formulas neutralised. */
export function safeText(value: string): string {
  return isFormulaLike(value) ? `'${value}` : value
}

/** A text cell for Excel: formulas neutralised and nothing Excel would retype as a number or date. */
export function excelText(value: string): string {
  const v = value.replaceAll('\r\n', '\n').replaceAll('\r', '\n')
  return isFormulaLike(value) || isFormulaLike(v) || excelWouldConvert(v) ? `'${v}` : v
}
