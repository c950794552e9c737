/**
 * `import` with no path: imports what the receiver appended to the inbox since the last import of it. The
 * position reached in each file is committed in `.stato.json` by the import's own transaction, so a crash
 * before the commit reads the same lines again next time (the merge de-duplicates them) and a crash after it
 * never reads them twice.
 */
import {type DataFolder, type MutationContext} from '../io/data-folder.js'
import {
  INBOX_STATE_KEY, inboxSources, type InboxState, listInbox, nextInboxState,
} from '../io/webhook-inbox.js'
import {importFiles, type ImportOptions, type ImportOutcome} from './import.js'

export interface InboxOutcome extends ImportOutcome {
  /** Lines of the inbox that were not JSON (hand edits), as `file:line`: skipped. */
  skippedLines: string[]
}

export async function importInbox(
  folder: DataFolder,
  ctx: MutationContext,
  options: Omit<ImportOptions, 'feeds' | 'paths'>,
  nowIso: string,
): Promise<InboxOutcome> {
  await folder.assertInitialized()
  const previous = await folder.stateValue<InboxState>(INBOX_STATE_KEY)
  const sources = await inboxSources(folder.dir, previous)
  const present = new Set((await listInbox(folder.dir)).map(f => f.name))
  const outcome = await importFiles(folder, ctx, {
    ...options,
    feeds: {
      commit(tx) {
        // Read again under the lock: positions another import committed meanwhile are kept.
        tx.setStateValue(INBOX_STATE_KEY, nextInboxState(tx.stateValue<InboxState>(INBOX_STATE_KEY), sources, present))
      },
      sources: sources.map(s => ({items: () => s.items(), path: s.file})),
    },
    paths: [],
  }, nowIso)
  const skippedLines = sources.flatMap(s => s.skipped.map(line => `${s.name}:${line}`))
  return {...outcome, skippedLines}
}
