import {stat} from 'node:fs/promises'

/**
 * A path with spaces typed without quotes arrives as several words, none of which exists: `import Chat WhatsApp
 * con Mario.txt`. The words that, joined again with spaces, name an existing file or folder, or undefined.
 */
export async function unquotedPath(args: readonly string[], missing: ReadonlySet<string>): Promise<string | undefined> {
  for (let i = 0; i < args.length; i++) {
    if (!missing.has(args[i])) continue
    for (let j = args.length; j > i + 1; j--) {
      const joined = args.slice(i, j).join(' ')
      try {
        await stat(joined)
        return joined
      } catch {}
    }
  }

  return undefined
}
