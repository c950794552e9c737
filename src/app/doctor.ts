/**
 * `doctor`: every check before a send, in order (issue #16). Reads only: the data folder, the environment, the
 * number's fields and the template's definition (then cached), the receiver's /healthz. No call to WhatsApp
 * without a token and a phone-number id.
 */
import {readdir, stat} from 'node:fs/promises'
import path from 'node:path'

import {type Config} from '../core/config.js'
import {type CervenoError, isCervenoError} from '../core/errors.js'
import {
  type Finding, numberFindings, PHONE_NUMBER_FIELDS, templateFinding,
} from '../core/preflight.js'
import {type Subscriber} from '../core/registry/types.js'
import {type RequestRecord} from '../core/requests/types.js'
import {createCloudApiClient, isWhatsAppApiError} from '../io/cloud-api.js'
import {type SecretSource} from '../io/credentials.js'
import {type DataFolder} from '../io/data-folder.js'
import {probeHealth} from '../io/healthz.js'
import {activePhones} from './broadcast-plan.js'
import {resolveApiSettings} from './broadcast-settings.js'
import {canFetchTemplate, loadTemplate, resolveWabaId} from './template.js'

/** A finding with, for the data folder and config checks, the error whose Italian text is the message. */
export type DoctorFinding = Finding & {error?: CervenoError}

export interface DoctorInput {
  /** The environment with the stored credentials merged in (io/credentials withStoredCredentials). */
  env: NodeJS.ProcessEnv
  nodeVersion: string
  now: Date
  operator: string
  storeProblem?: string
  tokenSource: SecretSource
}

const HEALTHZ_TIMEOUT_MS = 5000

export async function runDoctor(folder: DataFolder, input: DoctorInput): Promise<DoctorFinding[]> {
  const out: DoctorFinding[] = [nodeFinding(input.nodeVersion)]
  const loaded = await folderFindings(folder)
  out.push(loaded.finding)
  const {config} = loaded
  const {api, badPhoneId} = config ? apiSettings(input.env, config) : {api: undefined, badPhoneId: false}
  out.push(badPhoneId ? {code: 'configBadPhoneId', id: 'config', status: 'error'} : configFinding(config, loaded.finding, api?.phoneNumberId), input.tokenSource === 'none'
    ? {
      code: 'tokenMissing', details: {storeProblem: input.storeProblem}, id: 'token', status: 'error',
    }
    : {
      code: input.tokenSource === 'environment' ? 'tokenEnv' : 'tokenStore', details: {source: input.tokenSource}, id: 'token', status: 'ok',
    })

  const usable = api?.token !== undefined && api.phoneNumberId !== undefined && /^\d{1,30}$/.test(api.phoneNumberId)
  let tokenRefused = false
  if (usable && config) {
    const number = await numberChecks(api as typeof api & {phoneNumberId: string; token: string}, activePhones(await folder.readSubscribers()).length)
    tokenRefused = number[0].code === 'tokenRefused'
    out.push(...number)
  } else {
    for (const id of ['phone-number', 'quality', 'messaging-limit'] as const) out.push({code: 'notChecked', id, status: 'warning'})
  }

  const template: Finding = config && api
    ? await templateCheck(folder, config, input, {...api, token: usable && !tokenRefused ? api.token : undefined})
    : {code: 'templateNotChecked', id: 'template', status: 'warning'}
  out.push(template, await webhookFinding(config?.webhookUrl))
  return out
}

function nodeFinding(version: string): Finding {
  const [major, minor] = version.split('.').map(Number)
  const ok = major > 20 || (major === 20 && minor >= 9)
  return {
    code: ok ? 'nodeOk' : 'nodeOld', details: {version}, id: 'node', status: ok ? 'ok' : 'error',
  }
}

/** Present, every file valid, nothing readable by other users (POSIX). */
async function folderFindings(folder: DataFolder): Promise<{config?: Config; finding: DoctorFinding}> {
  const details = {dir: folder.dir}
  let config: Config
  let orphans: string[]
  try {
    ({config} = await folder.config())
    orphans = approvedWithoutSubscriber(await folder.readSubscribers(), await folder.readRequests())
  } catch (error) {
    if (!isCervenoError(error)) throw error
    const code = error.code === 'DATA_DIR_MISSING' ? 'folderMissing' : 'folderInvalid'
    return {
      finding: {
        code, details, error, id: 'data-folder', status: 'error',
      },
    }
  }

  if (orphans.length > 0) {
    return {
      config,
      finding: {
        code: 'folderOrphanApprovals', details: {...details, count: orphans.length, ids: orphans.slice(0, 5).join(', ')}, id: 'data-folder', status: 'warning',
      },
    }
  }

  const open = process.platform === 'win32' ? [] : await notPrivate(folder.dir)
  if (open.length > 0) {
    return {
      config,
      finding: {
        code: 'folderPermissions', details: {...details, count: open.length, files: open.slice(0, 5).join(', ')}, id: 'data-folder', status: 'warning',
      },
    }
  }

  return {
    config, finding: {
      code: 'folderOk', details, id: 'data-folder', status: 'ok',
    },
  }
}

/**
 * ON requests marked approved whose number has no row in the registry at all (a row deleted by hand, or a request
 * set to "approvata" by hand): the two tables disagree, and broadcast goes by the registry.
 */
function approvedWithoutSubscriber(subscribers: readonly Subscriber[], requests: readonly RequestRecord[]): string[] {
  const registered = new Set(subscribers.map(x => x.phone))
  return requests.filter(r => r.status === 'approved' && r.action === 'ON' && r.phone !== null && !registered.has(r.phone)).map(r => r.id)
}

/** The folder and its direct entries (and those of invii/, cache/) that group or others may read. */
async function notPrivate(dir: string): Promise<string[]> {
  const open: string[] = []
  const visit = async (relative: string, depth: number): Promise<void> => {
    const full = path.join(dir, relative)
    const info = await stat(full)
    if ((info.mode & 0o077) !== 0) open.push(relative === '' ? '.' : relative)
    if (info.isDirectory() && depth > 0) {
      for (const name of await readdir(full)) await visit(path.join(relative, name), relative === '' ? depth - 1 : 0)
    }
  }

  await visit('', 2)
  return open
}

/**
 * The API settings; a phone-number id that is not digits (a token pasted there by mistake) is a finding of its own,
 * never shown, and the checks that need the id are then skipped.
 */
function apiSettings(env: NodeJS.ProcessEnv, config: Config): {api: ReturnType<typeof resolveApiSettings>; badPhoneId: boolean} {
  try {
    return {api: resolveApiSettings(env, config, false), badPhoneId: false}
  } catch (error) {
    if (!isCervenoError(error) || error.params.key !== 'WHATSAPP_PHONE_NUMBER_ID') throw error
    return {api: resolveApiSettings({...env, WHATSAPP_PHONE_NUMBER_ID: ''}, {...config, phoneNumberId: ''}, false), badPhoneId: true}
  }
}

function configFinding(config: Config | undefined, folder: DoctorFinding, phoneNumberId: string | undefined): DoctorFinding {
  if (!config) return {
    ...folder, code: folder.code === 'folderMissing' ? 'folderMissing' : 'configInvalid', id: 'config', status: 'error',
  }
  if (config.template.name.trim() === '' || config.template.language.trim() === '') return {code: 'configTemplateMissing', id: 'config', status: 'error'}
  if (phoneNumberId === undefined) return {code: 'configMissingPhoneId', id: 'config', status: 'error'}
  return {
    code: 'configOk', details: {language: config.template.language, phoneNumberId, template: config.template.name}, id: 'config', status: 'ok',
  }
}

/** What an API error means for one check: a refused token, no answer, or Meta's own error. */
function apiErrorFinding(error: unknown, id: Finding['id']): Finding {
  if (!isWhatsAppApiError(error)) throw error
  if (error.code === 190 || error.code === 0 || error.fatalHint === 'token') return {
    code: 'tokenRefused', details: {code: error.code}, id, status: 'error',
  }
  if (error.kind !== 'response') return {
    code: 'unreachable', details: {kind: error.kind, transportCode: error.transportCode}, id, status: 'error',
  }
  return {
    code: 'apiError', details: {code: error.code, details: error.details, title: error.title}, id, status: 'error',
  }
}

async function numberChecks(api: {baseUrl: string; phoneNumberId: string; token: string; version: string}, active: number): Promise<Finding[]> {
  const client = createCloudApiClient(api)
  try {
    return numberFindings(await client.getPhoneNumber(PHONE_NUMBER_FIELDS), active)
  } catch (error) {
    return [
      apiErrorFinding(error, 'phone-number'),
      {code: 'skipped', id: 'quality', status: 'warning'},
      {code: 'skipped', id: 'messaging-limit', status: 'warning'},
    ]
  } finally {
    client.close()
  }
}

async function templateCheck(
  folder: DataFolder,
  config: Config,
  input: DoctorInput,
  api: ReturnType<typeof resolveApiSettings>,
): Promise<Finding> {
  const wabaId = resolveWabaId(input.env, config)
  if (wabaId === undefined) return {code: 'wabaMissing', id: 'template', status: 'warning'}
  const settings = {api, wabaId}
  const {language, name} = config.template
  try {
    const loaded = await loadTemplate(folder, settings, {
      language, maxAgeMs: 0, name, now: input.now, offline: !canFetchTemplate(settings), operator: input.operator,
    })
    if (!loaded) return {code: 'templateNotChecked', id: 'template', status: 'warning'}
    return templateFinding({
      bodyFixed: config.template.parameters,
      definition: loaded.definition,
      fetchedAt: loaded.fetchedAt.toISOString(),
      language,
      languages: loaded.languages,
      name,
      source: loaded.source,
    })
  } catch (error) {
    return apiErrorFinding(error, 'template')
  }
}

/** The receiver's /healthz answers 2xx within a few seconds; anything else is a warning. */
async function webhookFinding(webhookUrl: string | undefined): Promise<Finding> {
  const base = webhookUrl?.trim()
  if (!base) return {code: 'webhookOff', id: 'webhook', status: 'ok'}
  let url: string
  try {
    const parsed = new URL(base)
    if (!/^https?:$/.test(parsed.protocol)) throw new Error('protocol')
    url = `${parsed.origin}${parsed.pathname.replace(/\/+$/, '')}/healthz`
  } catch {
    return {
      code: 'webhookDown', details: {reason: 'invalid-url', url: base}, id: 'webhook', status: 'warning',
    }
  }

  const answer = await probeHealth(url, HEALTHZ_TIMEOUT_MS)
  return answer.ok
    ? {
      code: 'webhookOk', details: {url}, id: 'webhook', status: 'ok',
    }
    : {
      code: 'webhookDown', details: {reason: answer.reason, url}, id: 'webhook', status: 'warning',
    }
}
