/**
 * The template's definition, from the data folder's cache or read from Meta (cloud-api.md §9.2) and then cached
 * with its fetch time (DESIGN §10). Meta allows a few hundred management reads an hour: a send reuses a recent copy.
 */
import {parseTemplateDefinition, type TemplateDefinition} from '../core/broadcast/template.js'
import {type Config} from '../core/config.js'
import {createCloudApiClient} from '../io/cloud-api.js'
import {type DataFolder} from '../io/data-folder.js'
import {type ApiSettings} from './broadcast-settings.js'

export const CACHE_VERSION = 1
/** A cached definition younger than this is used by `broadcast` without asking Meta again. */
export const TEMPLATE_CACHE_MAX_AGE_MS = 24 * 60 * 60 * 1000

export interface TemplateSettings {
  /** Endpoint and credentials; without a token or phone-number id nothing is fetched. */
  api: Partial<ApiSettings> & {baseUrl: string; version: string}
  /** WhatsApp Business Account id; without it nothing is fetched. */
  wabaId?: string
}

export interface LoadTemplateOptions {
  language: string
  /** A cache entry at most this old is used as it is; 0 always fetches when credentials are present. */
  maxAgeMs: number
  name: string
  now: Date
  /** Never open a connection (a dry run): the cache or nothing. */
  offline?: boolean
  /** Who the cache write is recorded for. */
  operator?: string
}

export interface LoadedTemplate {
  /** null: Meta has no template of that name in that language (not cached). */
  definition: null | TemplateDefinition
  fetchedAt: Date
  /** Languages Meta has the name in (fetched answers only; [] from the cache). */
  languages: string[]
  source: 'api' | 'cache'
}

const value = (v: unknown) => (typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined)

/** The WABA id: the environment first, then config.json. */
export function resolveWabaId(env: NodeJS.ProcessEnv, config: Config): string | undefined {
  return value(env.WHATSAPP_BUSINESS_ACCOUNT_ID) ?? value(config.wabaId)
}

const safe = (s: string) => s.replaceAll(/[^\w-]/g, c => `%${c.codePointAt(0)!.toString(16).padStart(2, '0')}`)

/** `cache/modelli/<name>.<language>.json`; characters outside [A-Za-z0-9_-] are escaped. */
export function templateCachePath(name: string, language: string): string {
  return `cache/modelli/${safe(name)}.${safe(language)}.json`
}

/** The cached definition of `name` in `language`, or undefined when there is none (or it is not one). */
export async function readCachedTemplate(folder: DataFolder, name: string, language: string): Promise<undefined | {definition: TemplateDefinition; fetchedAt: Date}> {
  const bytes = await folder.readBytes(templateCachePath(name, language))
  if (bytes.length === 0) return undefined
  try {
    const raw = JSON.parse(bytes.toString('utf8')) as {definition?: unknown; fetchedAt?: unknown; schemaVersion?: unknown}
    const definition = parseTemplateDefinition(raw.definition)
    const fetchedAt = new Date(typeof raw.fetchedAt === 'string' ? raw.fetchedAt : Number.NaN)
    if (raw.schemaVersion !== CACHE_VERSION || !definition || Number.isNaN(fetchedAt.getTime())) return undefined
    if (definition.name !== name || definition.language !== language) return undefined
    return {definition, fetchedAt}
  } catch {
    return undefined
  }
}

/** True when the settings allow a read of the template. */
export function canFetchTemplate(settings: TemplateSettings): boolean {
  return settings.api.token !== undefined && settings.api.phoneNumberId !== undefined && settings.wabaId !== undefined
}

/**
 * The definition from the cache when it is at most `maxAgeMs` old, else read from Meta when credentials are
 * present (and then cached); a stale cache when they are not; undefined when neither. Errors of the read
 * (WhatsAppApiError, never carrying the token) reach the caller.
 */
export async function loadTemplate(folder: DataFolder, settings: TemplateSettings, options: LoadTemplateOptions): Promise<LoadedTemplate | undefined> {
  const {language, name, now} = options
  const cached = await readCachedTemplate(folder, name, language)
  const fresh = cached && now.getTime() - cached.fetchedAt.getTime() <= options.maxAgeMs
  if (cached && (fresh || options.offline || !canFetchTemplate(settings))) {
    return {
      definition: cached.definition, fetchedAt: cached.fetchedAt, languages: [], source: 'cache',
    }
  }

  if (options.offline || !canFetchTemplate(settings)) return undefined
  const {api} = settings
  const client = createCloudApiClient({
    baseUrl: api.baseUrl, phoneNumberId: api.phoneNumberId!, token: api.token!, version: api.version,
  })
  let answers: unknown[]
  try {
    answers = await client.getTemplates(settings.wabaId!, name)
  } finally {
    client.close()
  }

  const definitions = answers.map(a => parseTemplateDefinition(a)).filter(d => d !== undefined).filter(d => d.name === name)
  const definition = definitions.find(d => d.language === language) ?? null
  if (definition) {
    const text = JSON.stringify({definition, fetchedAt: now.toISOString(), schemaVersion: CACHE_VERSION}, null, 2) + '\n'
    await folder.mutate({now, operator: options.operator ?? 'cerveno-info'}, async tx => {
      tx.writeFile(templateCachePath(name, language), text)
    })
  }

  return {
    definition, fetchedAt: now, languages: [...new Set(definitions.map(d => d.language))].sort(), source: 'api',
  }
}
