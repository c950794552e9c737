import {Args, loadHelpClass} from '@oclif/core'

import {BaseCommand} from '../base-command.js'
import {EXIT} from '../core/errors.js'
import {cli as t} from '../messages/cli.js'

/** `cerveno-info help [command]`: the help pages, as `--help` shows them. */
export default class HelpCommand extends BaseCommand<typeof HelpCommand> {
  static args = {
    comando: Args.string({description: t.helpArg}),
  }
  static description = t.helpSummary
  static examples = ['<%= config.bin %> help', '<%= config.bin %> help broadcast', '<%= config.bin %> help subscribers add']
  static strict = false
  static summary = t.helpSummary

  async run(): Promise<void> {
    const words = [this.args.comando, ...this.rest].filter((w): w is string => w !== undefined && !w.startsWith('-'))
    const id = words.join(':')
    if (id !== '' && !this.config.findCommand(id) && !this.config.findTopic(id)) {
      process.exitCode = EXIT.usage
      this.logToStderr(t.helpUnknown(this.config.bin, words.join(' ')))
      return
    }

    const Help = await loadHelpClass(this.config)
    const help = new Help(this.config, {all: false})
    // A command's own page (showHelp would take `help help` for the root page); a topic or nothing: showHelp.
    const command = id === '' ? undefined : this.config.findCommand(id)
    await (command ? help.showCommandHelp(command, this.config.topics) : help.showHelp(words))
  }
}
