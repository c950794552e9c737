/**
 * The access token and the app secret in the operating system's credential store (Windows Credential Manager,
 * macOS Keychain, Secret Service on Linux) through @napi-rs/keyring (prebuilt binaries, loaded lazily). The
 * environment always wins; nothing here ever writes a secret anywhere else or puts one in an error.
 */
import {CervenoError} from '../core/errors.js'

export type SecretName = 'WHATSAPP_APP_SECRET' | 'WHATSAPP_TOKEN'
export const SECRET_NAMES: readonly SecretName[] = ['WHATSAPP_TOKEN', 'WHATSAPP_APP_SECRET']
const SERVICE = 'cerveno-info'

interface KeyringEntry {
  deletePassword(): boolean
  getPassword(): null | string
  setPassword(password: string): void
}

// eslint-disable-next-line no-control-regex
const safeReason = (e: unknown): string => String((e as Error)?.message ?? e).replaceAll(/[\u0000-\u001F\u007F]/g, ' ').slice(0, 200)

function unavailable(reason: string): CervenoError {
  return new CervenoError('CREDENTIAL_STORE_UNAVAILABLE', {reason})
}

async function entry(name: SecretName, env: NodeJS.ProcessEnv): Promise<KeyringEntry> {
  // Without a session bus there is no Secret Service (a server without a desktop): say so at once rather
  // than let the library try to start one.
  if (process.platform === 'linux' && !env.DBUS_SESSION_BUS_ADDRESS) throw unavailable('nessuna sessione D-Bus, DBUS_SESSION_BUS_ADDRESS')
  let Entry: new (service: string, account: string, options?: {linux?: {store?: 'keyutils' | 'secret-service'}}) => KeyringEntry
  try {
    ({Entry} = await import('@napi-rs/keyring'))
  } catch (error) {
    throw unavailable(safeReason(error))
  }

  try {
    // The kernel keyring forgets everything at restart: only the Secret Service keeps a login.
    return new Entry(SERVICE, name, {linux: {store: 'secret-service'}})
  } catch (error) {
    throw unavailable(safeReason(error))
  }
}

async function guarded<T>(fn: () => T): Promise<T> {
  try {
    return fn()
  } catch (error) {
    throw unavailable(safeReason(error))
  }
}

/** The stored value, or undefined. Throws CREDENTIAL_STORE_UNAVAILABLE when there is no usable store. */
export async function readSecret(name: SecretName, env: NodeJS.ProcessEnv = process.env): Promise<string | undefined> {
  const e = await entry(name, env)
  return (await guarded(() => e.getPassword())) ?? undefined
}

export async function storeSecret(name: SecretName, value: string, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const e = await entry(name, env)
  await guarded(() => e.setPassword(value))
}

/** True when something was removed. */
export async function deleteSecret(name: SecretName, env: NodeJS.ProcessEnv = process.env): Promise<boolean> {
  const e = await entry(name, env)
  return guarded(() => e.deletePassword())
}

export type SecretSource = 'credential-store' | 'environment' | 'none'

export interface ResolvedEnv {
  env: NodeJS.ProcessEnv
  /** Why the store could not be read, when it was needed and could not be. */
  storeProblem?: string
  token: SecretSource
}

/**
 * The environment with WHATSAPP_TOKEN (and WHATSAPP_APP_SECRET) taken from the credential store where the
 * environment does not set them. An unusable store leaves the environment as it is.
 */
export async function withStoredCredentials(env: NodeJS.ProcessEnv, names: readonly SecretName[] = ['WHATSAPP_TOKEN']): Promise<ResolvedEnv> {
  const out: NodeJS.ProcessEnv = {...env}
  let storeProblem: string | undefined
  let token: SecretSource = env.WHATSAPP_TOKEN?.trim() ? 'environment' : 'none'
  for (const name of names) {
    if (env[name]?.trim()) continue
    try {
      const stored = await readSecret(name, env)
      if (stored === undefined) continue
      out[name] = stored
      if (name === 'WHATSAPP_TOKEN') token = 'credential-store'
    } catch (error) {
      storeProblem = error instanceof CervenoError ? String(error.params.reason) : safeReason(error)
      break
    }
  }

  return storeProblem === undefined ? {env: out, token} : {env: out, storeProblem, token}
}
