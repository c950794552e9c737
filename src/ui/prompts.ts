/**
 * The prompts in Italian (inquirer is loaded only when a prompt is really shown: it costs ~120 ms to import).
 * Ctrl-C inside a prompt throws ExitPromptError, which the base command maps to exit 130.
 */
import {prompts as t} from '../messages/prompts.js'

/** A yes/no question answered with the arrow keys and Enter (or 1/2); the safe answer is the default. */
export async function confirmChoice(message: string, labels: {keys: string; no: string; yes: string}): Promise<boolean> {
  const {select} = await import('@inquirer/prompts')
  return select<boolean>({
    choices: [
      {name: labels.no, value: false},
      {name: labels.yes, value: true},
    ],
    default: false,
    message,
    theme: {style: {keysHelpTip: () => labels.keys}},
  })
}

type SelectConfig<V> = Parameters<typeof import('@inquirer/prompts').select<V>>[0]

/** inquirer's select with its key hints in Italian ("↑↓ navigate • ⏎ select" was English). */
export async function select<V>(config: SelectConfig<V>): Promise<V> {
  const prompts = await import('@inquirer/prompts')
  return prompts.select<V>({...config, theme: {...config.theme, style: {keysHelpTip: () => t.reviewKeys, ...config.theme?.style}}})
}

/** A typed yes/no question: `(s/N)`, s/sì/si and n/no (see yes-no.ts). */
export async function confirm(config: {default: boolean; message: string}): Promise<boolean> {
  const {yesNo} = await import('./yes-no.js')
  return yesNo(config)
}
