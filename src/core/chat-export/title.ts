/** Chat titles from export file, zip and folder names (chat-formats.md §1.1, §9). */

import {tryNormalizePhone} from '../phone.js'
import {TITLE_PREFIXES} from './locale.js'
import {stripInvisible} from './text.js'

export interface ChatTitle {
  /** E.164 when the title is a phone number. */
  phone: null | string
  /** Language of the recognised prefix (`it` for `Chat WhatsApp con `), or null. */
  prefixLocale: null | string
  /** The name it was read from (base name only). */
  source: string
  /** The chat title: contact name, number or group subject. */
  title: string
}

/** Last path segment, whatever the separator. */
export function baseName(path: string): string {
  const parts = path.split(/[/\\]/).filter(p => p !== '')
  return parts.at(-1) ?? ''
}

/** Reads the chat title out of one file, zip or folder name; null for generic names like `_chat.txt`. */
export function chatTitleFromName(name: string, defaultCountry = 'IT'): ChatTitle | null {
  const source = baseName(name)
  let s = stripInvisible(source.normalize('NFC'))
  .replaceAll(/[\u00A0\u202F]/g, ' ')
  .replaceAll('_', ' ')
  for (let i = 0; i < 3; i++) {
    s = s
    .replace(/\.(?:txt|zip)$/i, '')
    .replace(/\s*\(\d{1,3}\)$/, '')
    .trim()
  }

  let prefixLocale: null | string = null
  const lower = s.toLowerCase()
  for (const [prefix, locale] of TITLE_PREFIXES) {
    if (lower.startsWith(prefix.toLowerCase())) {
      s = s.slice(prefix.length)
      prefixLocale = locale
      break
    }
  }

  const title = s.replaceAll(/\s+/g, ' ').trim()
  if (title === '' || (prefixLocale === null && /^chat$/i.test(title))) return null
  const phone = tryNormalizePhone(title, defaultCountry)
  return {
    phone: phone.ok ? phone.phone : null, prefixLocale, source, title,
  }
}

/** Titles of every usable name, in the caller's priority order. */
export function chatTitles(names: readonly string[], defaultCountry = 'IT'): ChatTitle[] {
  const out: ChatTitle[] = []
  for (const n of names) {
    const t = chatTitleFromName(n, defaultCountry)
    if (t) out.push(t)
  }

  return out
}
