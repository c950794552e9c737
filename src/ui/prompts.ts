/**
 * The prompts of the broadcast command (inquirer is loaded only when a prompt is really shown: it costs
 * ~120 ms to import). Ctrl-C inside a prompt throws ExitPromptError, which the base command maps to exit 130.
 */

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
