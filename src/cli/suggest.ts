/** Closest candidates to a mistyped word (Damerau–Levenshtein, optimal string alignment), for "Forse intendevi …?". */
export function distance(a: string, b: string): number {
  const d: number[][] = Array.from({length: a.length + 1}, (_, i) => [i, ...Array.from({length: b.length}, () => 0)])
  for (let j = 1; j <= b.length; j++) d[0][j] = j
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1)
    }
  }

  return d[a.length][b.length]
}

/** The candidates within a third of the word's length (at least 2 edits), nearest first, at most `max`. */
export function suggest(word: string, candidates: Iterable<string>, max = 3): string[] {
  const w = word.toLowerCase()
  const limit = Math.max(2, Math.floor(w.length / 3))
  return [...new Set(candidates)]
  .map(c => ({c, d: distance(w, c.toLowerCase())}))
  .filter(x => x.d <= limit)
  .sort((x, y) => x.d - y.d || x.c.localeCompare(y.c))
  .slice(0, max)
  .map(x => x.c)
}
