/** `.stato.json`: what this program knows of the data folder's files, and keyed values committed with changes. */
import {readFile} from 'node:fs/promises'
import path from 'node:path'

export const STATE_FILE = '.stato.json'

export interface State {
  files: Record<string, string>
  /** Written by versions before the commit record (commit.ts): hashes about to be written. Read, never written. */
  pending?: Record<string, string>
  /** Keyed values committed with a change (Transaction.setStateValue), e.g. how far the webhook inbox was imported. */
  values?: Record<string, unknown>
  /**
   * Hashes of the files as this program's table writer produced them (absent in folders from before this
   * field: the next write adds it). A file still matching is known to be in writeTable's exact layout.
   */
  written?: Record<string, string>
}

export async function readState(dir: string): Promise<State> {
  try {
    const parsed = JSON.parse(await readFile(path.join(dir, STATE_FILE), 'utf8')) as State
    return {
      files: {...parsed.files}, pending: parsed.pending, values: parsed.values, written: parsed.written,
    }
  } catch {
    return {files: {}}
  }
}

export function stateText(state: State): string {
  const {pending: _, ...kept} = state
  return JSON.stringify(kept, null, 2) + '\n'
}
