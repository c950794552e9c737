import {isE164, tryNormalizePhone} from '../core/phone.js'
import {type Subscriber} from '../core/registry/types.js'
import {type RequestRecord, type RequestStatus} from '../core/requests/types.js'
import {parseIso} from '../core/time.js'
import {type Column, type TableSchema} from './csv-table.js'

type Invalid = (reason: string) => never

/** Stored Italian words for the English values of the JSON contract. */
const SUBSCRIBER_STATUS = {active: 'attivo', ceased: 'cessato'} as const
const REQUEST_STATUS: Record<RequestStatus, string> = {
  approved: 'approvata',
  discarded: 'scartata',
  pending: 'in_attesa',
  rejected: 'respinta',
  superseded: 'superata',
}
const CONSENT = {'in-person': 'di_persona', message: 'messaggio'} as const

function reverse<K extends string>(map: Record<K, string>): Map<string, K> {
  return new Map(Object.entries(map).map(([k, v]) => [v as string, k as K]))
}

const SUBSCRIBER_STATUS_IN = reverse(SUBSCRIBER_STATUS)
const REQUEST_STATUS_IN = reverse(REQUEST_STATUS)
const CONSENT_IN = reverse(CONSENT)

/** A phone cell: E.164; Excel may have dropped the `+` of a number it took for a number. */
function phoneValue(value: string, invalid: Invalid): string {
  const v = value.trim()
  if (isE164(v)) return v
  if (/^\d{8,15}$/.test(v)) {
    const r = tryNormalizePhone(`+${v}`)
    if (r.ok) return r.phone
  }

  return invalid('phone')
}

function dateValue(value: string, invalid: Invalid): string {
  const v = value.trim()
  if (!parseIso(v)) invalid('date')
  return v
}

type Row = Record<string, unknown>

function text<T>(header: string, key: keyof T & string, opts: {optional?: boolean; required?: boolean} = {}): Column<T> {
  return {
    header,
    optional: opts.optional,
    read(value, row, invalid) {
      if (opts.required && value.trim() === '') invalid('empty')
      if (value !== '') (row as Row)[key] = value
    },
    write: row => String((row as Record<string, unknown>)[key] ?? ''),
  }
}

function date<T>(header: string, key: keyof T & string, required = false): Column<T> {
  return {
    header,
    read(value, row, invalid) {
      if (value.trim() === '') {
        if (required) invalid('empty')
        return
      }

      (row as Row)[key] = dateValue(value, invalid)
    },
    write: row => String((row as Record<string, unknown>)[key] ?? ''),
  }
}

function choice<T, V extends string>(header: string, key: keyof T & string, out: Record<V, string>, inn: Map<string, V>): Column<T> {
  return {
    header,
    read(value, row, invalid) {
      const v = inn.get(value.trim().toLowerCase())
      if (v === undefined) invalid('value');
      (row as Row)[key] = v
    },
    write: row => out[(row as Record<string, unknown>)[key] as V],
  }
}

export const SUBSCRIBERS: TableSchema<Subscriber> = {
  columns: [
    {
      header: 'telefono',
      read(v, row, invalid) {
        row.phone = phoneValue(v, invalid)
      },
      write: r => r.phone,
    },
    text('nome', 'name', {required: true}),
    choice('stato', 'status', SUBSCRIBER_STATUS, SUBSCRIBER_STATUS_IN),
    date('iscritto_il', 'subscribedAt', true),
    text('approvato_da', 'approvedBy', {required: true}),
    date('cessato_il', 'ceasedAt'),
    text('cessato_da', 'ceasedBy'),
    text('id_richiesta', 'requestId'),
    choice('consenso', 'consent', CONSENT, CONSENT_IN),
    text('informativa_privacy', 'privacyNotice', {required: true}),
    date('aggiornato_il', 'updatedAt', true),
  ],
  file: 'iscritti.csv',
  finish(p, invalid) {
    if (p.status === 'ceased' && !p.ceasedAt) invalid('ceasedWithoutDate')
    return p as Subscriber
  },
  lossy: ['nome', 'approvato_da', 'cessato_da'],
  // One row per citizen: with two, `broadcast` and `subscribers remove` would each believe a different one.
  unique: {key: s => s.phone, what: 'phone'},
}

export const REQUESTS: TableSchema<RequestRecord> = {
  columns: [
    {
      header: 'id',
      read(v, row, invalid) {
        if (!/^[0-9a-f]{8,}$/.test(v.trim())) invalid('id')
        row.id = v.trim()
      },
      write: r => r.id,
    },
    {
      header: 'telefono',
      read(v, row, invalid) {
        row.phone = v.trim() === '' ? null : phoneValue(v, invalid)
      },
      write: r => r.phone ?? '',
    },
    {
      header: 'nome',
      read(v, row) {
        row.name = v === '' ? null : v
      },
      write: r => r.name ?? '',
    },
    {
      header: 'azione',
      read(v, row, invalid) {
        const a = v.trim().toUpperCase()
        if (a !== 'ON' && a !== 'OFF') invalid('value')
        row.action = a as 'OFF' | 'ON'
      },
      write: r => r.action,
    },
    date('ricevuta_il', 'receivedAt', true),
    text('fonte', 'source', {required: true}),
    choice('stato', 'status', REQUEST_STATUS, REQUEST_STATUS_IN),
    date('deciso_il', 'decidedAt'),
    text('deciso_da', 'decidedBy'),
    text('motivo', 'reason'),
    text('testo', 'rawText'),
    text('autore', 'author'),
    text('utente', 'userId'),
    {
      header: 'origine_telefono',
      optional: true,
      read(v, row) {
        if (v !== '') row.phoneSource = v as RequestRecord['phoneSource']
      },
      write: r => r.phoneSource ?? '',
    },
    date('importata_il', 'importedAt', true),
  ],
  file: 'richieste.csv',
  finish(p, invalid) {
    // Decisions are taken by `review`, which records when and by whom (and changes the registry with them).
    if (p.status !== 'pending' && (!p.decidedAt || !p.decidedBy)) invalid('decidedWithoutDecision')
    return {...p, rawText: p.rawText ?? ''} as RequestRecord
  },
  lossy: ['nome', 'autore', 'deciso_da'],
  unique: {key: r => r.id, what: 'request'},
}
