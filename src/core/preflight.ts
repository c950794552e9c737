/**
 * The checks before a send (DESIGN §10), as data: each names its check id, a status and a code the messages
 * turn into one Italian sentence. Pure: the number's fields, the template and the counts are passed in.
 */
import {
  type TemplateDefinition, templateProblems, type TemplateShape, templateShape,
} from './broadcast/template.js'

export type CheckId = 'config' | 'data-folder' | 'messaging-limit' | 'node' | 'phone-number' | 'quality' | 'template' | 'token' | 'webhook'
export type CheckStatus = 'error' | 'ok' | 'warning'

export interface Finding {
  code: string
  details?: Record<string, unknown>
  id: CheckId
  status: CheckStatus
}

/** Checks whose error means WhatsApp refuses something (exit 5); other errors are configuration (exit 6). */
export const API_CHECKS: ReadonlySet<CheckId> = new Set(['messaging-limit', 'phone-number', 'quality', 'template'])

/** Fields read from the number (cloud-api.md §9.1). */
export const PHONE_NUMBER_FIELDS = [
  'verified_name',
  'display_phone_number',
  'status',
  'quality_rating',
  'name_status',
  'throughput',
  'whatsapp_business_manager_messaging_limit',
] as const

/** Unique users per rolling 24 h for each messaging-limit tier (cloud-api.md §4, §9.1). */
const TIERS: Record<string, number> = {
  TIER_1K: 1000,
  TIER_2K: 2000,
  TIER_10K: 10_000,
  TIER_50: 50,
  TIER_100K: 100_000,
  TIER_250: 250,
  TIER_UNLIMITED: Number.POSITIVE_INFINITY,
}

export function tierLimit(tier: string): number | undefined {
  return TIERS[tier.toUpperCase()]
}

const text = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined)

/** The number's status, quality rating and messaging limit against the active subscribers. */
export function numberFindings(fields: Readonly<Record<string, unknown>>, activeSubscribers: number): Finding[] {
  const out: Finding[] = []
  const status = text(fields.status)?.toUpperCase()
  const details = {displayPhoneNumber: text(fields.display_phone_number), status, verifiedName: text(fields.verified_name)}
  out.push(status === 'CONNECTED'
    ? {
      code: 'connected', details, id: 'phone-number', status: 'ok',
    }
    : {
      code: 'notConnected', details, id: 'phone-number', status: 'error',
    })

  const quality = text(fields.quality_rating)?.toUpperCase() ?? 'NA'
  const qualityStatus = quality === 'RED' ? 'error' : (quality === 'YELLOW' ? 'warning' : 'ok')
  out.push({
    code: `quality${qualityStatus === 'ok' ? (quality === 'GREEN' ? 'Green' : 'Unknown') : (quality === 'RED' ? 'Red' : 'Yellow')}`,
    details: {rating: quality},
    id: 'quality',
    status: qualityStatus,
  })

  const tier = text(fields.whatsapp_business_manager_messaging_limit)
  const limit = tier === undefined ? undefined : tierLimit(tier)
  if (tier === undefined || limit === undefined) {
    out.push({
      code: 'limitUnknown', details: {activeSubscribers, tier}, id: 'messaging-limit', status: 'warning',
    })
  } else if (limit < activeSubscribers) {
    out.push({
      code: 'limitBelow', details: {activeSubscribers, limit, tier}, id: 'messaging-limit', status: 'warning',
    })
  } else {
    out.push({
      code: 'limitOk', details: {activeSubscribers, limit: Number.isFinite(limit) ? limit : null, tier}, id: 'messaging-limit', status: 'ok',
    })
  }

  return out
}

export interface TemplateFindingInput {
  /** Body variables config fills (config.json `template.parameters`). */
  bodyFixed?: Readonly<Record<string, string>>
  definition: null | TemplateDefinition
  fetchedAt: string
  language: string
  /** Languages Meta has the name in, when the definition is null. */
  languages: string[]
  name: string
  source: 'api' | 'cache'
}

/**
 * The template check: found in the language, APPROVED, not MARKETING, and fillable by a notice. A media
 * header only warns: each send needs its attachment.
 */
export function templateFinding(input: TemplateFindingInput): Finding {
  const base = {
    fetchedAt: input.fetchedAt, language: input.language, name: input.name, source: input.source,
  }
  const {definition} = input
  if (!definition) {
    return {
      code: 'templateNotFound', details: {...base, languages: input.languages.join(', ')}, id: 'template', status: 'error',
    }
  }

  const details = {...base, category: definition.category, status: definition.status}
  if (definition.status.toUpperCase() !== 'APPROVED') return {
    code: 'templateStatus', details, id: 'template', status: 'error',
  }
  const shape: TemplateShape = templateShape(definition)
  // A media header takes --attach, one header variable the notice's first line (issue 17): not blocking.
  const problems = templateProblems(shape, {bodyFixed: input.bodyFixed}).filter(p => !(p.code === 'headerVariable' && p.count === 1))
  const blocking = problems.filter(p => p.code !== 'headerMedia')
  if (blocking.length > 0) {
    return {
      code: 'templateUnfillable', details: {...details, problem: blocking[0].code, ...blocking[0]}, id: 'template', status: 'error',
    }
  }

  if (definition.category.toUpperCase() === 'MARKETING') return {
    code: 'templateMarketing', details, id: 'template', status: 'warning',
  }
  if (problems.length > 0) return {
    code: 'templateMedia', details: {...details, ...problems[0]}, id: 'template', status: 'warning',
  }
  return {
    code: 'templateOk', details, id: 'template', status: 'ok',
  }
}

/** Exit code of a doctor run: 0 when a send would work (warnings allowed), 6 for configuration, 5 for WhatsApp. */
export function doctorExitCode(findings: readonly Finding[]): 0 | 5 | 6 {
  const errors = findings.filter(f => f.status === 'error')
  if (errors.length === 0) return 0
  return errors.some(f => !API_CHECKS.has(f.id)) ? 6 : 5
}
