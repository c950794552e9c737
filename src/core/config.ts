import {CervenoError} from './errors.js'

/** Bump when the data folder's formats change, and add a step to MIGRATIONS. */
export const SCHEMA_VERSION = 1

export interface Config {
  apiVersion: string
  comune: string
  defaultCountry: string
  keyword: string
  /** Daily messaging limit of the WhatsApp Business portfolio (unique users per 24 h). */
  messagingLimit: number
  phoneNumberId: string
  privacyNotice: string
  rate: number
  retentionMonths: number
  schemaVersion: number
  selfNames: string[]
  serviceNumber: string
  template: {language: string; name: string}
}

/** Cerveno's own service, as its public page describes it. Another comune edits config.json. */
export function defaultConfig(): Config {
  return {
    apiVersion: 'v24.0',
    comune: 'Comune di Cerveno',
    defaultCountry: 'IT',
    keyword: 'Servizio Info',
    messagingLimit: 250,
    phoneNumberId: '',
    privacyNotice: '2021-12-21',
    rate: 20,
    retentionMonths: 24,
    schemaVersion: SCHEMA_VERSION,
    selfNames: ['Comune di Cerveno'],
    serviceNumber: '+393316509570',
    template: {language: 'it', name: 'avviso_servizio_info'},
  }
}

type Migration = (old: Record<string, unknown>) => Record<string, unknown>

/**
 * MIGRATIONS[n] turns a version-n data folder's config into version n+1 (CSV files gain columns by
 * being read tolerantly: a column added later is optional). Version 1 is the first released format.
 */
const MIGRATIONS: Record<number, Migration> = {}

const isString = (v: unknown): v is string => typeof v === 'string'
const isPositive = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v > 0

/** Validates a parsed config.json, migrating older versions forward. Returns the config and whether it migrated. */
export function loadConfig(raw: unknown, file: string): {config: Config; migratedFrom?: number} {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new CervenoError('CONFIG_INVALID', {field: '(radice)', file})
  }

  let obj = raw as Record<string, unknown>
  const start = obj.schemaVersion
  if (typeof start !== 'number' || !Number.isInteger(start) || start < 1) throw new CervenoError('CONFIG_INVALID', {field: 'schemaVersion', file})
  if (start > SCHEMA_VERSION) throw new CervenoError('CONFIG_TOO_NEW', {file, found: start, supported: SCHEMA_VERSION})
  for (let v = start; v < SCHEMA_VERSION; v++) obj = MIGRATIONS[v](obj)

  const config: Config = {...defaultConfig(), ...obj} as Config
  config.template = {...defaultConfig().template, ...(obj.template as object)}
  const bad = (field: string) => new CervenoError('CONFIG_INVALID', {field, file})
  for (const k of ['apiVersion', 'comune', 'defaultCountry', 'keyword', 'phoneNumberId', 'privacyNotice'] as const) {
    if (!isString(config[k])) throw bad(k)
  }

  if (config.keyword.trim() === '') throw bad('keyword')
  if (!Array.isArray(config.selfNames) || !config.selfNames.every(n => isString(n))) throw bad('selfNames')
  if (!isPositive(config.rate) || config.rate > 1000) throw bad('rate')
  if (!isPositive(config.messagingLimit)) throw bad('messagingLimit')
  if (!isPositive(config.retentionMonths)) throw bad('retentionMonths')
  if (!isString(config.template.name) || !isString(config.template.language)) throw bad('template')
  return start === SCHEMA_VERSION ? {config} : {config, migratedFrom: start}
}
