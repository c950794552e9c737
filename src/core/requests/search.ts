import {fold} from '../registry/registry.js'
import {type RequestRecord} from './types.js'

/**
 * Requests whose name, author or number matches the clerk's text: case- and accent-insensitive on
 * names, digits only on numbers (at least three, so "3" does not match everything); or whose id starts with it.
 */
export function searchRequests(list: readonly RequestRecord[], text: string): RequestRecord[] {
  const needle = fold(text.trim())
  const digits = text.replaceAll(/\D/g, '')
  if (needle === '') return [...list]
  const idPrefix = /^[\da-f]{4,}$/.test(needle) ? needle : undefined
  return list.filter(r => (idPrefix !== undefined && r.id.startsWith(idPrefix))
    || (r.name !== null && fold(r.name).includes(needle))
    || (r.author !== undefined && fold(r.author).includes(needle))
    || (digits.length >= 3 && r.phone !== null && r.phone.includes(digits)))
}
