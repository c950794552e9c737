import {type Hook} from '@oclif/core'

import {suggest} from '../cli/suggest.js'
import {EXIT} from '../core/errors.js'
import {cli as t} from '../messages/cli.js'

/**
 * An unknown command (`improt`, `reveiw`): an Italian sentence with the nearest commands instead of oclif's
 * "Error: command … not found", exit 2 (usage). Under --json, the error document on stdout like every command.
 */
const hook: Hook<'command_not_found'> = async function (opts) {
  const ids = opts.config.commands.filter(c => !c.hidden).map(c => c.id.replaceAll(':', ' '))
  const typed = opts.id.replaceAll(':', ' ')
  const words = typed.split(' ')
  // "broadcast shwo": suggest within the topic too.
  const candidates = suggest(typed, ids, 3)
  if (candidates.length === 0 && words.length > 1) candidates.push(...suggest(words[0], ids, 3))
  const message = t.unknownCommand(opts.config.bin, typed, candidates)
  process.exitCode = EXIT.usage
  if ((opts.argv ?? []).includes('--json')) {
    process.stdout.write(JSON.stringify({
      error: {
        code: 'USAGE', exitCode: EXIT.usage, message, suggestions: candidates,
      },
    }, null, 2) + '\n')
  } else {
    process.stderr.write(message + '\n')
  }
}

export default hook
