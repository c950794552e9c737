/** Where JSON.parse stopped, as a line and column a person can find in an editor (both from 1). */
export function jsonErrorPosition(text: string, error: unknown): undefined | {column: number; line: number} {
  const message = (error as Error)?.message ?? ''
  const m = /at position (\d+)/.exec(message)
  let offset: number
  if (m) offset = Number(m[1])
  else if (/Unexpected end of JSON input/.test(message)) offset = text.length
  else return undefined
  const before = text.slice(0, offset)
  const line = before.split('\n').length
  return {column: offset - before.lastIndexOf('\n'), line}
}
