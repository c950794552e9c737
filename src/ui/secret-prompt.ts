/**
 * Hidden input for a secret (inquirer's password prompt, loaded only when shown): nothing is echoed, not even
 * a mask, and the value never reaches the screen or the scrollback.
 */
export async function askSecret(message: string, invalid: string): Promise<string> {
  const {password} = await import('@inquirer/prompts')
  const value = await password({
    message,
    validate: (v: string) => (v.trim() !== '' && !/\s/.test(v.trim())) || invalid,
  })
  return value.trim()
}
