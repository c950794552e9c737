/**
 * Before a new broadcast is confirmed: the template's definition (cache younger than a day, else read), the
 * components it needs, the message as the citizen reads it, and what `doctor` would mark ✖ or ⚠ (DESIGN §10).
 * A template the notice cannot fill is TEMPLATE_MISMATCH; a template or number WhatsApp would refuse is
 * WHATSAPP_NOT_READY; both before any send.
 */
import {type RunHeader} from '../core/broadcast/header.js'
import {
  type RenderedMessage, renderMessage, type RequestComponent, templateComponents, templateProblems, templateShape, type TemplateValues,
} from '../core/broadcast/template.js'
import {type Config} from '../core/config.js'
import {CervenoError} from '../core/errors.js'
import {
  type Finding, numberFindings, PHONE_NUMBER_FIELDS, templateFinding,
} from '../core/preflight.js'
import {createCloudApiClient, isWhatsAppApiError} from '../io/cloud-api.js'
import {type DataFolder} from '../io/data-folder.js'
import {resolveApiSettings} from './broadcast-settings.js'
import {
  canFetchTemplate, loadTemplate, resolveWabaId, TEMPLATE_CACHE_MAX_AGE_MS,
} from './template.js'

export interface BroadcastPreflight {
  /** Exactly the components of every request, when the definition is known. */
  components?: RequestComponent[]
  /** What doctor would mark ✖ or ⚠ (errors have already been thrown). */
  findings: Finding[]
  /** The whole message, when the definition is known. */
  message?: RenderedMessage
}

export interface PreflightInput {
  /** The run's header (issue 17): the title, or the attachment's kind. */
  header?: RunHeader
  language: string
  name: string
  now: Date
  /** A dry run: the cache only, no connection. */
  offline: boolean
  operator: string
  recipients: number
  /** The notice as it fills the body parameter (flattened). */
  sentText: string
}

function refusal(error: unknown, id: Finding['id']): Finding {
  if (!isWhatsAppApiError(error)) throw error
  const code = error.code === 190 || error.code === 0 || error.fatalHint === 'token' ? 'tokenRefused' : (error.kind === 'response' ? 'apiError' : 'unreachable')
  return {
    code, details: {
      code: error.code, details: error.details, kind: error.kind, transportCode: error.transportCode,
    }, id, status: 'error',
  }
}

/**
 * The reads need the WABA id (the template lives there): without it, one warning says the template is not
 * verified and the send goes on as before, with the notice as the one body parameter.
 */
export async function preflightBroadcast(folder: DataFolder, config: Config, env: NodeJS.ProcessEnv, input: PreflightInput): Promise<BroadcastPreflight> {
  const wabaId = resolveWabaId(env, config)
  if (wabaId === undefined) return {findings: [{code: 'wabaMissing', id: 'template', status: 'warning'}]}
  const api = resolveApiSettings(env, config, false)
  const settings = {api, wabaId}
  const online = !input.offline && canFetchTemplate(settings)
  const findings: Finding[] = []
  if (online) {
    const client = createCloudApiClient({
      baseUrl: api.baseUrl, phoneNumberId: api.phoneNumberId!, token: api.token!, version: api.version,
    })
    try {
      findings.push(...numberFindings(await client.getPhoneNumber(PHONE_NUMBER_FIELDS), input.recipients))
    } catch (error) {
      findings.push(refusal(error, 'phone-number'))
    } finally {
      client.close()
    }
  }

  let loaded
  try {
    loaded = await loadTemplate(folder, settings, {
      language: input.language, maxAgeMs: TEMPLATE_CACHE_MAX_AGE_MS, name: input.name, now: input.now, offline: !online, operator: input.operator,
    })
  } catch (error) {
    findings.push(refusal(error, 'template'))
  }

  const bodyFixed = config.template.parameters
  let result: BroadcastPreflight = {findings}
  if (loaded) {
    const finding = templateFinding({
      bodyFixed,
      definition: loaded.definition,
      fetchedAt: loaded.fetchedAt.toISOString(),
      language: input.language,
      languages: loaded.languages,
      name: input.name,
      source: loaded.source,
    })
    if (loaded.definition) {
      const shape = templateShape(loaded.definition)
      const values: TemplateValues = {bodyFixed, notice: input.sentText}
      if (input.header) values.header = input.header.kind === 'text' ? {kind: 'text', text: input.header.text} : {kind: input.header.kind}
      const problem = templateProblems(shape, values)[0]
      if (problem) throw new CervenoError('TEMPLATE_MISMATCH', {language: input.language, name: input.name, ...problem})
      result = {components: templateComponents(shape, values), findings, message: renderMessage(shape, values)}
    }

    findings.push(finding)
  } else if (!findings.some(f => f.id === 'template')) {
    findings.push({code: 'templateNotChecked', id: 'template', status: 'warning'})
  }

  return {...result, findings: findings.filter(f => f.status !== 'ok')}
}

/** Stops a send that WhatsApp would refuse: the first ✖, as one Italian sentence made by `describe`. */
export function assertReady(findings: readonly Finding[], describe: (f: Finding) => string): void {
  const errors = findings.filter(f => f.status === 'error')
  if (errors.length > 0) throw new CervenoError('WHATSAPP_NOT_READY', {problems: errors.map(f => describe(f)).join(' ')})
}
