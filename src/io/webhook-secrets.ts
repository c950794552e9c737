/**
 * The receiver's two secrets. Each is read through one function, environment first, so another source (the OS
 * credential store, `login --app-secret`) can be added behind it without touching the callers. Neither value is
 * ever printed, logged or written.
 */
function fromEnv(name: string, env: NodeJS.ProcessEnv): string | undefined {
  const value = env[name]?.trim()
  return value || undefined
}

/** The app secret (Meta for Developers → app → Impostazioni → Di base) that signs every webhook. */
export async function readAppSecret(env: NodeJS.ProcessEnv = process.env): Promise<string | undefined> {
  return fromEnv('WHATSAPP_APP_SECRET', env)
}

/** The verify token the comune chose and typed in the app's webhook settings. */
export async function readVerifyToken(env: NodeJS.ProcessEnv = process.env): Promise<string | undefined> {
  return fromEnv('WHATSAPP_VERIFY_TOKEN', env)
}
