import {type CountryCode, parsePhoneNumberFromString} from 'libphonenumber-js/max'

import {CervenoError} from './errors.js'

/** Characters that WhatsApp and copy-paste put around or inside numbers (chat-formats.md §5). */
const INVISIBLE = /[\u200B\u200E\u200F\u202A-\u202E\u2060\u2066-\u2069\uFEFF]/g

export type PhoneProblem = 'empty' | 'invalid' | 'letters' | 'tooShort'

/** Normalises a typed or exported phone number to E.164; returns the reason when it cannot. */
export function tryNormalizePhone(
  input: string,
  defaultCountry = 'IT',
): {ok: false; problem: PhoneProblem} | {ok: true; phone: string} {
  const cleaned = input
  .replaceAll(INVISIBLE, '')
  .replaceAll(/[\u00A0\u2000-\u200A\u202F\u205F\u3000]/g, ' ')
  .replaceAll('\u2011', '-')
  .trim()
  .replace(/^~\s*/, '')
  if (cleaned === '') return {ok: false, problem: 'empty'}
  if (!/^[+\d\s().\-/]+$/.test(cleaned)) return {ok: false, problem: 'letters'}
  const digits = cleaned.replaceAll(/\D/g, '')
  if (digits.length < 6) return {ok: false, problem: 'tooShort'}
  const parsed = parsePhoneNumberFromString(cleaned, defaultCountry as CountryCode)
  if (!parsed || !parsed.isValid()) return {ok: false, problem: digits.length < 8 ? 'tooShort' : 'invalid'}
  const type = parsed.getType()
  // Numbers a WhatsApp account can sit on: mobiles and landlines (some comuni's citizens use a landline account).
  const accepted = new Set(['FIXED_LINE', 'FIXED_LINE_OR_MOBILE', 'MOBILE', 'PERSONAL_NUMBER', undefined, 'VOIP'])
  if (!accepted.has(type)) return {ok: false, problem: 'invalid'}
  // The stored form is + and 8 to 15 digits (isE164): a shorter number, valid in a few small countries, could not
  // be read back from the registry.
  if (!isE164(parsed.number)) return {ok: false, problem: digits.length < 8 ? 'tooShort' : 'invalid'}
  return {ok: true, phone: parsed.number}
}

/** Like tryNormalizePhone, but throws PHONE_INVALID naming the input. */
export function normalizePhone(input: string, defaultCountry = 'IT'): string {
  const result = tryNormalizePhone(input, defaultCountry)
  if (!result.ok) throw new CervenoError('PHONE_INVALID', {input, problem: result.problem})
  return result.phone
}

/** True for a string already in the stored form (+ and 8 to 15 digits). */
export function isE164(value: string): boolean {
  return /^\+[1-9]\d{7,14}$/.test(value)
}

/** A number formatted for reading: +39 333 123 4567. */
export function formatPhone(e164: string): string {
  const parsed = parsePhoneNumberFromString(e164)
  return parsed ? parsed.formatInternational() : e164
}

/** Digits without +, as the Cloud API's wa_id, from and recipient_id carry them. */
export function toWaId(e164: string): string {
  return e164.replace(/^\+/, '')
}

/** Every spelling of a number that a byte search for it should find (used by erasure). */
export function phoneSpellings(e164: string): string[] {
  const parsed = parsePhoneNumberFromString(e164)
  const out = new Set([e164, toWaId(e164)])
  if (parsed) {
    out.add(parsed.formatInternational())
    out.add(parsed.formatNational())
    out.add(String(parsed.nationalNumber))
  }

  return [...out]
}
