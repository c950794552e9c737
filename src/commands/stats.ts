import {BaseCommand} from '../base-command.js'
import {countByStatus} from '../core/registry/registry.js'
import {stats as t} from '../messages/it.js'

export interface StatsResult {
  subscribers: {active: number; ceased: number; total: number}
}

export default class Stats extends BaseCommand<typeof Stats> {
  static description = t.description
  static examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> --json']
  static summary = t.summary

  async run(): Promise<StatsResult> {
    const list = await this.folder().readSubscribers()
    const counts = countByStatus(list)
    const result = {subscribers: {...counts, total: list.length}}
    if (!this.jsonEnabled()) {
      this.log(t.active(counts.active))
      this.log(t.ceased(counts.ceased))
      this.log(t.total(list.length))
    }

    return result
  }
}
