/** `login`: the token checked against the number's fields, then kept in the OS credential store (issue #16). */
import {type Config, defaultConfig} from '../core/config.js'
import {CervenoError, isCervenoError} from '../core/errors.js'
import {createCloudApiClient, isWhatsAppApiError} from '../io/cloud-api.js'
import {readSecret, type SecretName, storeSecret} from '../io/credentials.js'
import {type DataFolder} from '../io/data-folder.js'
import {resolveApiSettings} from './broadcast-settings.js'

/** config.json when the folder is ready; the defaults otherwise (the environment may hold everything). */
export async function configOrDefault(folder: DataFolder): Promise<Config> {
  try {
    return (await folder.config()).config
  } catch (error) {
    if (isCervenoError(error) && error.code === 'DATA_DIR_MISSING') return defaultConfig()
    throw error
  }
}

/** Throws CREDENTIAL_STORE_UNAVAILABLE before anything is asked when there is no usable store. */
export async function assertStoreUsable(name: SecretName, env: NodeJS.ProcessEnv): Promise<void> {
  await readSecret(name, env)
}

/** Where the token is checked: throws CONFIG_MISSING without a phone-number id (before the token is asked). */
export function loginEndpoint(env: NodeJS.ProcessEnv, config: Config): {baseUrl: string; phoneNumberId: string; version: string} {
  const api = resolveApiSettings(env, config, false)
  if (api.phoneNumberId === undefined) throw new CervenoError('CONFIG_MISSING', {name: 'WHATSAPP_PHONE_NUMBER_ID'})
  return {baseUrl: api.baseUrl, phoneNumberId: api.phoneNumberId, version: api.version}
}

const str = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined)

export interface LoginResult {
  displayPhoneNumber?: string
  stored: 'appSecret' | 'token'
  verifiedName?: string
}

/** Reads the number with the token (TOKEN_REFUSED when Meta refuses it), then stores it. */
export async function verifyAndStoreToken(
  endpoint: {baseUrl: string; phoneNumberId: string; version: string},
  token: string,
  env: NodeJS.ProcessEnv,
): Promise<LoginResult> {
  const client = createCloudApiClient({...endpoint, token})
  let fields: Record<string, unknown>
  try {
    fields = await client.getPhoneNumber(['verified_name', 'display_phone_number'])
  } catch (error) {
    if (isWhatsAppApiError(error) && (error.code === 190 || error.code === 0 || error.fatalHint === 'token')) {
      throw new CervenoError('TOKEN_REFUSED', {code: error.code})
    }

    if (isWhatsAppApiError(error)) throw new CervenoError('API_FATAL', {code: error.code ?? error.transportCode ?? error.kind, hint: error.details ?? error.title ?? ''})
    throw error
  } finally {
    client.close()
  }

  await storeSecret('WHATSAPP_TOKEN', token, env)
  return {displayPhoneNumber: str(fields.display_phone_number), stored: 'token', verifiedName: str(fields.verified_name)}
}
