/** Text a citizen wrote, made safe for the terminal: control characters (escape sequences) shown as `?`. */
// eslint-disable-next-line no-control-regex -- exactly what must never reach the terminal
const CONTROL = /[\u0000-\u0009\u000B-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/g

export function safeText(text: string, newline = ' / '): string {
  return text.replaceAll(CONTROL, '?').replaceAll('\n', newline)
}
