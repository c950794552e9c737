import {phoneSpellings} from '../phone.js'
import {type HashedNames, nameWords, saltedHash} from './tombstones.js'

/**
 * Finds whether any of many literal strings occurs in a text, in one pass (Aho–Corasick): a purge
 * may look for thousands of numbers and ids in every line of every file.
 */
export class NeedleSet {
  private readonly fail: number[] = [0]
  private readonly next: Map<string, number>[] = [new Map()]
  private readonly out: boolean[] = [false]

  constructor(
    needles: Iterable<string>,
    private readonly fold: boolean = false,
  ) {
    for (const raw of needles) {
      const needle = fold ? raw.toLowerCase() : raw
      if (needle === '') continue
      let node = 0
      for (const ch of needle) {
        let to = this.next[node].get(ch)
        if (to === undefined) {
          to = this.next.length
          this.next.push(new Map())
          this.fail.push(0)
          this.out.push(false)
          this.next[node].set(ch, to)
        }

        node = to
      }

      this.out[node] = true
    }

    const queue: number[] = []
    for (const child of this.next[0].values()) queue.push(child)
    for (let i = 0; i < queue.length; i++) {
      const node = queue[i]
      for (const [ch, child] of this.next[node]) {
        let f = this.fail[node]
        while (f !== 0 && !this.next[f].has(ch)) f = this.fail[f]
        const target = this.next[f].get(ch)
        this.fail[child] = target !== undefined && target !== child ? target : 0
        if (this.out[this.fail[child]]) this.out[child] = true
        queue.push(child)
      }
    }
  }

  get empty(): boolean {
    return this.next[0].size === 0
  }

  foundIn(text: string): boolean {
    if (this.empty) return false
    const t = this.fold ? text.toLowerCase() : text
    let node = 0
    for (const ch of t) {
      while (node !== 0 && !this.next[node].has(ch)) node = this.fail[node]
      node = this.next[node].get(ch) ?? 0
      if (this.out[node]) return true
    }

    return false
  }
}

/** What identifies the people (or requests) being erased. */
export interface ErasureTarget {
  /** Request ids, user ids, wamids: anything that names a record of theirs. */
  ids: string[]
  /** Full names, for records that carry a name but no number (see Matcher.isAbout). */
  names: string[]
  /** Names known only as the tombstone's hashes (an erasure run again, once the tables no longer hold them). */
  namesHashed?: HashedNames
  /** E.164 numbers; every spelling of each is searched. */
  phones: string[]
}

/** A name is searched on its own only when it is specific enough: two words, or six letters. */
export function searchableName(name: string): boolean {
  const n = name.trim()
  return n.split(/\s+/).length >= 2 || n.length >= 6
}

const PHONE_TOKEN = /\+?\d{8,15}/g

/**
 * Finds, in a text, a run of words that is one of the names (the same words in any order, any punctuation or case
 * between them: "CANCELLAMI;Mario"): names in clear, and names a tombstone keeps only as salted hashes.
 */
export class NameWordSet {
  private readonly clear: Set<string>
  /** Every word of the names in clear: a text holding none of them needs no splitting (only without hashes). */
  private readonly clearWords: NeedleSet
  private readonly hashed: Set<string>
  private readonly lengths: number[]

  constructor(names: readonly string[], private readonly tombstone?: HashedNames) {
    const runs = names.map(n => nameWords(n)).filter(w => w.length > 0)
    this.clear = new Set(runs.map(w => `${w.length}:${[...w].sort().join(' ')}`))
    this.clearWords = new NeedleSet(runs.flat(), true)
    this.hashed = new Set(tombstone?.keys ?? [])
    const lengths = [...runs.map(w => w.length), ...[...this.hashed].map(k => Number(k.slice(0, k.indexOf(':'))))]
    this.lengths = [...new Set(lengths)].filter(n => n > 0).sort((a, b) => a - b)
  }

  get empty(): boolean {
    return this.lengths.length === 0
  }

  foundIn(text: string): boolean {
    if (this.empty || (this.hashed.size === 0 && !this.clearWords.foundIn(text))) return false
    const words = nameWords(text)
    for (let i = 0; i < words.length; i++) {
      for (const n of this.lengths) {
        if (i + n > words.length) break
        const run = words.slice(i, i + n).sort().join(' ')
        if (this.clear.has(`${n}:${run}`)) return true
        if (this.tombstone && this.hashed.has(`${n}:${saltedHash(this.tombstone.salt, run)}`)) return true
      }
    }

    return false
  }
}

/** Decides whether a record (a line, a CSV row, a JSON element) is about the target. */
export class Matcher {
  private readonly ids: NeedleSet
  private readonly names: NeedleSet
  private readonly nameWords: NameWordSet | undefined
  private readonly ownDigits: Set<string>

  constructor(target: ErasureTarget) {
    const spellings = target.phones.flatMap(p => phoneSpellings(p))
    this.ids = new NeedleSet([...spellings, ...target.ids])
    this.names = new NeedleSet(
      target.names.filter(n => searchableName(n)),
      true,
    )
    this.ownDigits = new Set(spellings.map(s => s.replaceAll(/\D/g, '')))
    // The names are also searched word by word, in any order, with those the tombstone keeps as hashes.
    const words = new NameWordSet(target.names.filter(n => searchableName(n)), target.namesHashed)
    this.nameWords = words.empty ? undefined : words
  }

  get empty(): boolean {
    return this.ids.empty && this.names.empty && !this.nameWords
  }

  /** Any spelling of a target number, or one of the target ids. */
  hasId(text: string): boolean {
    return this.ids.foundIn(text)
  }

  hasName(text: string): boolean {
    return this.names.foundIn(text) || (this.nameWords?.foundIn(text) ?? false)
  }

  /** Mentions a number that is not one of the targets' (then a name alone may be a namesake's). */
  hasOtherPhone(text: string): boolean {
    for (const m of text.matchAll(PHONE_TOKEN)) if (!this.ownDigits.has(m[0].replace('+', ''))) return true
    return false
  }

  /**
   * A record is theirs when it carries a number or id of theirs, or their full name and no other
   * number: a request typed from a username account, a row saved before the clerk supplied the
   * number. A namesake's record always carries the namesake's number, so it stays.
   */
  isAbout(text: string): boolean {
    return this.hasId(text) || (this.hasName(text) && !this.hasOtherPhone(text))
  }
}
