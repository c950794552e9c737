import type {
  ExtractionCounts,
  NearMiss,
  PayloadProblem,
  RequestMessageType,
  StatusEvent,
  WebhookContext,
  WebhookErrorDetail,
  WebhookExtraction,
} from './types.js'

import {tryNormalizePhone} from '../phone.js'
import {matchRequest, mentionsKeyword} from '../requests/match.js'
import {unixSecondsToIso} from '../time.js'

/*
 * Cloud API webhook payload → requests, delivery statuses and what was ignored (cloud-api.md §5).
 * Tolerant by design: any JSON value goes in, nothing throws, every skipped part is counted.
 */

type Obj = Record<string, unknown>

const WA_ID = /^\+?(\d{6,15})$/
/** Business-scoped user id: country code, `.`, up to 128 alphanumerics (parent ids add `ENT.`). */
const BSUID = /^[A-Z]{2}\.(?:ENT\.)?[A-Za-z\d]{1,128}$/
const MAX_KEY = 64
const CAPTIONED = new Set(['document', 'image', 'video'])

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

function obj(v: unknown): Obj {
  return isObj(v) ? v : {}
}

/** A non-empty trimmed string, or null. */
function str(v: unknown): null | string {
  if (typeof v !== 'string') return null
  const t = v.trim()
  return t === '' ? null : t
}

/** An id: a non-empty string, or an integer some loggers turned into a number. */
function idStr(v: unknown): null | string {
  if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) return String(v)
  return str(v)
}

const offsetCache = new Map<number, null | string>()

/** 2009-01-01T00:00:00Z: WhatsApp did not exist before; a smaller number is not a message's time. */
export const EARLIEST_TIMESTAMP = 1_230_768_000
/** 9999-12-31T00:00:00Z: the last day the stored ISO form (four-digit year) can hold. */
const STORE_LATEST = 253_402_214_400

/**
 * A webhook timestamp: Unix seconds as digits (or an integer), from 2009 to `latest`. `absent` when there is
 * none; `invalid` for anything else (milliseconds, 0, -5, `abc`, 1e308): such a payload is refused.
 */
function timestampSeconds(v: unknown, latest: number): 'absent' | 'invalid' | number {
  if (v === undefined || v === null) return 'absent'
  let n: number
  if (typeof v === 'number') n = v
  else if (typeof v === 'string' && /^\s*\d{1,12}\s*$/.test(v)) n = Number(v)
  else return 'invalid'
  return Number.isInteger(n) && n >= EARLIEST_TIMESTAMP && n <= Math.min(latest, STORE_LATEST) ? n : 'invalid'
}

/** What a refused timestamp looked like, short enough for a message. */
function preview(v: unknown): string {
  const text = typeof v === 'string' ? v : (JSON.stringify(v) ?? String(v))
  return text.length > 40 ? text.slice(0, 40) + '…' : text
}

/** The ISO time of a timestamp field, null when absent; a problem is recorded when it is invalid. */
function timestamp(v: unknown, latest: number, problems: PayloadProblem[]): null | string {
  const n = timestampSeconds(v, latest)
  if (n === 'absent') return null
  if (n === 'invalid') {
    problems.push({code: 'timestamp', value: preview(v)})
    return null
  }

  return isoOfSeconds(n)
}

/**
 * unixSecondsToIso, fast: the Rome offset is asked of luxon once per UTC hour (DST switches on the hour),
 * which matters on dumps with millions of timestamps. `seconds` is already within 2009–9999.
 */
function isoOfSeconds(seconds: number): null | string {
  const hour = seconds - (seconds % 3600)
  let offset = offsetCache.get(hour)
  if (offset === undefined) {
    const iso = unixSecondsToIso(seconds)
    offset = iso ? iso.slice(19) : null
    if (offsetCache.size >= 10_000) offsetCache.clear()
    offsetCache.set(hour, offset)
  }

  if (offset === null) return null
  const sign = offset[0] === '-' ? -1 : 1
  const shift = offset === 'Z' ? 0 : sign * ((Number(offset.slice(1, 3)) * 3600) + (Number(offset.slice(4, 6)) * 60))
  return new Date((seconds + shift) * 1000).toISOString().slice(0, 19) + offset
}

/** A record key safe for any input (`__proto__` included) and of bounded length. */
function keyOf(v: unknown): string {
  if (v === undefined || v === null) return '(none)'
  if (typeof v !== 'string') return '(invalid)'
  return v === '' ? '(empty)' : v.slice(0, MAX_KEY)
}

function bump(record: Record<string, number>, key: string, by = 1): void {
  if (Object.hasOwn(record, key)) record[key] += by
  else Object.defineProperty(record, key, {
    configurable: true,
    enumerable: true,
    value: by,
    writable: true,
  })
}

const phoneCache = new Map<string, null | string>()

/** E.164 for wa_id digits, memoised: a dump repeats the same few thousand numbers. */
function phoneOf(digits: string, country: string): null | string {
  const key = `${country}|${digits}`
  const hit = phoneCache.get(key)
  if (hit !== undefined) return hit
  const r = tryNormalizePhone(`+${digits}`, country)
  const phone = r.ok ? r.phone : null
  if (phoneCache.size >= 10_000) phoneCache.clear()
  phoneCache.set(key, phone)
  return phone
}

/**
 * A message id as Meta writes them (`wamid.` and base64): printable ASCII starting with a letter or digit, at most
 * 256 characters. Anything else in a dump is no id (the request is then known by file and line).
 */
function wamidOf(v: unknown): null | string {
  const s = str(v)
  return s !== null && /^[A-Za-z\d][\u0021-\u007E]{0,255}$/.test(s) ? s : null
}

function waDigits(v: unknown): null | string {
  const s = idStr(v)
  const m = s === null ? null : WA_ID.exec(s)
  return m ? m[1] : null
}

export function parseErrors(v: unknown): WebhookErrorDetail[] {
  if (!Array.isArray(v)) return []
  const out: WebhookErrorDetail[] = []
  for (const e of v) {
    if (!isObj(e)) continue
    let code: null | number = null
    if (typeof e.code === 'number' && Number.isFinite(e.code)) code = e.code
    else if (typeof e.code === 'string' && /^\d{1,9}$/.test(e.code.trim())) code = Number(e.code)
    out.push({
      code,
      details: str(obj(e.error_data).details) ?? str(e.details),
      title: str(e.title) ?? str(e.message),
    })
  }

  return out
}

function emptyCounts(): ExtractionCounts {
  return {
    changes: 0,
    entries: 0,
    ignoredChanges: 0,
    ignoredFields: {},
    ignoredMessages: 0,
    ignoredPayloads: 0,
    ignoredTypes: {},
    malformed: 0,
    messages: 0,
    nearMisses: 0,
    payloads: 0,
    requests: 0,
    statuses: 0,
  }
}

/** Loggers often store the envelope under `body`, sometimes as the raw string (cloud-api.md §5.7). */
function unwrap(payload: unknown): null | Obj {
  if (!isObj(payload)) return null
  if (payload.entry !== undefined || payload.body === undefined) return payload
  if (isObj(payload.body)) return payload.body
  if (typeof payload.body === 'string') {
    try {
      const parsed: unknown = JSON.parse(payload.body)
      if (isObj(parsed)) return parsed
    } catch {
      // not JSON: falls through to "not an envelope"
    }
  }

  return payload
}

interface Identity {
  phone: null | string
  profileName: null | string
  userId: null | string
  username: null | string
  waId: null | string
}

function findContact(contacts: Obj[], waId: null | string, bsuid: null | string): null | Obj {
  for (const c of contacts) {
    if (waId !== null && waDigits(c.wa_id) === waId) return c
    if (bsuid !== null && str(c.user_id) === bsuid) return c
  }

  return contacts.length === 1 ? contacts[0] : null
}

function identify(msg: Obj, contacts: Obj[], country: string): Identity {
  const from = idStr(msg.from)
  const fromDigits = waDigits(from)
  const msgBsuid = str(msg.from_user_id) ?? str(msg.user_id)
  const contact = findContact(contacts, fromDigits, msgBsuid)
  const c = obj(contact)
  const profile = obj(c.profile)
  const waId = fromDigits ?? waDigits(c.wa_id)
  const phone = waId === null ? null : phoneOf(waId, country)
  const bsuid = msgBsuid ?? str(c.user_id) ?? (from !== null && BSUID.test(from) ? from : null)
  const username = str(profile.username) ?? str(c.username) ?? str(msg.username)
  // `from` that is neither digits nor a BSUID still identifies someone; so do digits that are no valid number.
  const fallback = from !== null && fromDigits === null ? from : (phone === null ? waId : null)
  return {
    phone,
    profileName: str(profile.name),
    userId: bsuid ?? username ?? fallback,
    username,
    waId,
  }
}

/** The text a request can be read from, by message type. */
function requestText(type: string, msg: Obj): null | string {
  switch (type) {
  case 'button': {
    const b = obj(msg.button)
    return str(b.text) ?? str(b.payload)
  }

  case 'interactive': {
    const i = obj(msg.interactive)
    return str(obj(i.button_reply).title) ?? str(obj(i.list_reply).title)
  }

  case 'text': {
    return typeof obj(msg.text).body === 'string' ? (obj(msg.text).body as string) : null
  }

  default: {
    return null
  }
  }
}

/**
 * Reads one webhook payload (an envelope, or a logger record with the envelope under `body`).
 * Every entry[], changes[] and array element is visited; only `field: "messages"` is read.
 */
export function extractFromPayload(payload: unknown, ctx: WebhookContext): WebhookExtraction {
  const counts = emptyCounts()
  const out: WebhookExtraction = {
    counts,
    issues: [],
    nearMisses: [],
    problems: [],
    requests: [],
    statuses: [],
  }
  const env = unwrap(payload)
  if (env === null || !Array.isArray(env.entry) || (env.object !== undefined && env.object !== 'whatsapp_business_account')) {
    counts.ignoredPayloads = 1
    return out
  }

  counts.payloads = 1
  for (const entry of env.entry) {
    if (!isObj(entry)) {
      counts.malformed++
      continue
    }

    counts.entries++
    if (!Array.isArray(entry.changes)) {
      if (entry.changes !== undefined) counts.malformed++
      continue
    }

    for (const change of entry.changes) {
      if (!isObj(change)) {
        counts.malformed++
        continue
      }

      counts.changes++
      if (change.field !== 'messages') {
        counts.ignoredChanges++
        bump(counts.ignoredFields, keyOf(change.field))
        continue
      }

      if (!isObj(change.value)) {
        counts.malformed++
        continue
      }

      readValue(change.value, ctx, out)
    }
  }

  if (out.problems.length > 0) {
    // Refused whole: nothing of a payload with an invalid value is imported; it counts as one payload, unread.
    return {
      counts: {...emptyCounts(), payloads: 1}, issues: [], nearMisses: [], problems: out.problems, requests: [], statuses: [],
    }
  }

  return out
}

function list(v: unknown, counts: ExtractionCounts): unknown[] {
  if (Array.isArray(v)) return v
  if (v !== undefined && v !== null) counts.malformed++
  return []
}

function readValue(value: Obj, ctx: WebhookContext, out: WebhookExtraction): void {
  const {counts} = out
  const phoneNumberId = idStr(obj(value.metadata).phone_number_id)
  const contacts = list(value.contacts, counts).filter((c): c is Obj => isObj(c))

  for (const e of parseErrors(value.errors)) {
    out.issues.push({
      ...e,
      scope: 'system',
      source: ctx.source,
      wamid: null,
    })
  }

  for (const msg of list(value.messages, counts)) {
    if (!isObj(msg)) {
      counts.malformed++
      continue
    }

    counts.messages++
    readMessage(msg, contacts, phoneNumberId, ctx, out)
  }

  for (const s of list(value.statuses, counts)) {
    const event = readStatus(s, ctx.latestSeconds, out.problems)
    if (event === null) {
      counts.malformed++
      continue
    }

    counts.statuses++
    out.statuses.push(event)
  }
}

function readMessage(msg: Obj, contacts: Obj[], phoneNumberId: null | string, ctx: WebhookContext, out: WebhookExtraction): void {
  const {counts} = out
  const type = keyOf(msg.type)
  const wamid = wamidOf(msg.id)
  const who = identify(msg, contacts, ctx.defaultCountry)
  const receivedAt = timestamp(msg.timestamp, ctx.latestSeconds ?? STORE_LATEST, out.problems)

  for (const e of parseErrors(msg.errors)) {
    out.issues.push({
      ...e,
      scope: 'message',
      source: ctx.source,
      wamid,
    })
  }

  const text = requestText(type, msg)
  const match = text === null ? null : matchRequest(text, ctx.keyword)
  if (match !== null && text !== null) {
    counts.requests++
    out.requests.push({
      action: match.action,
      contextWamid: str(obj(msg.context).id),
      messageType: type as RequestMessageType,
      name: match.name,
      phone: who.phone,
      phoneNumberId,
      profileName: who.profileName,
      rawText: text,
      receivedAt,
      source: ctx.source,
      userId: who.userId,
      username: who.username,
      waId: who.waId,
      wamid,
    })
    return
  }

  counts.ignoredMessages++
  bump(counts.ignoredTypes, type)
  const seen = text ?? (CAPTIONED.has(type) ? str(obj(msg[type]).caption) : null)
  if (seen !== null && mentionsKeyword(seen, ctx.keyword)) {
    counts.nearMisses++
    const miss: NearMiss = {
      phone: who.phone,
      profileName: who.profileName,
      receivedAt,
      source: ctx.source,
      text: seen,
      type,
      userId: who.userId,
      wamid,
    }
    out.nearMisses.push(miss)
  }
}

/**
 * One `statuses[]` element; null when it is not an object or lacks the message id or the status. An invalid
 * timestamp is added to `problems` (and `at` is null).
 */
export function readStatus(s: unknown, latest = STORE_LATEST, problems: PayloadProblem[] = []): null | StatusEvent {
  if (!isObj(s)) return null
  const wamid = str(s.id)
  const status = str(s.status)
  if (wamid === null || status === null) return null
  const event: StatusEvent = {
    at: timestamp(s.timestamp, latest, problems),
    errors: parseErrors(s.errors),
    recipientId: idStr(s.recipient_id),
    recipientUserId: str(s.recipient_user_id),
    status: status.toLowerCase(),
    wamid,
  }
  const opaque = str(s.biz_opaque_callback_data)
  if (opaque !== null) event.bizOpaque = opaque
  return event
}

/** Adds one extraction's results to another (for callers that gather a whole file). */
export function mergeExtractions(into: WebhookExtraction, from: WebhookExtraction): WebhookExtraction {
  // Loops, not push(...spread): a spread of a huge array overflows the stack.
  for (const r of from.requests) into.requests.push(r)
  for (const s of from.statuses) into.statuses.push(s)
  for (const m of from.nearMisses) into.nearMisses.push(m)
  for (const i of from.issues) into.issues.push(i)
  for (const p of from.problems) into.problems.push(p)
  const a = into.counts
  const b = from.counts
  for (const k of [
    'payloads',
    'ignoredPayloads',
    'entries',
    'changes',
    'ignoredChanges',
    'messages',
    'requests',
    'ignoredMessages',
    'nearMisses',
    'statuses',
    'malformed',
  ] as const) {
    a[k] += b[k]
  }

  for (const [k, n] of Object.entries(b.ignoredFields)) bump(a.ignoredFields, k, n)
  for (const [k, n] of Object.entries(b.ignoredTypes)) bump(a.ignoredTypes, k, n)
  return into
}

/** An empty extraction to merge into. */
export function emptyExtraction(): WebhookExtraction {
  return {
    counts: emptyCounts(),
    issues: [],
    nearMisses: [],
    problems: [],
    requests: [],
    statuses: [],
  }
}
