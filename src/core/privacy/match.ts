import {parsePhoneNumberFromString} from 'libphonenumber-js/max'

import {type HashedNames, nameWords, saltedHash} from './tombstones.js'

/** A letter or a digit at the end / start of a string: what may not touch a bounded match (see NeedleSet). */
const WORD_BEFORE = /[\p{L}\p{N}]$/u
const WORD_AFTER = /^[\p{L}\p{N}]/u

/**
 * Finds whether any of many literal strings occurs in a text, in one pass (Aho–Corasick): a purge
 * may look for thousands of numbers and ids in every line of every file. `bounded`: a needle counts only when no
 * letter or digit touches it on either side, so that `wamid.h5` is not found inside `wamid.h50`, nor a request id
 * inside a longer id, nor `Paolo Rossi` inside `Paolo Rossini`.
 */
export class NeedleSet {
  private readonly fail: number[] = [0]
  private readonly next: Map<string, number>[] = [new Map()]
  /** Lengths (in UTF-16 units) of the needles that end at each node, through its fail links too. */
  private readonly out: number[][] = [[]]

  constructor(
    needles: Iterable<string>,
    private readonly fold: boolean = false,
    private readonly bounded: boolean = false,
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
          this.out.push([])
          this.next[node].set(ch, to)
        }

        node = to
      }

      if (!this.out[node].includes(needle.length)) this.out[node].push(needle.length)
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
        for (const n of this.out[this.fail[child]]) if (!this.out[child].includes(n)) this.out[child].push(n)
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
    let end = 0
    for (const ch of t) {
      end += ch.length
      while (node !== 0 && !this.next[node].has(ch)) node = this.fail[node]
      node = this.next[node].get(ch) ?? 0
      for (const n of this.out[node]) if (!this.bounded || this.isolated(t, end - n, end)) return true
    }

    return false
  }

  /** No letter or digit right before `start` or at `end` (two units each side: a surrogate pair is one letter). */
  private isolated(t: string, start: number, end: number): boolean {
    return !WORD_BEFORE.test(t.slice(Math.max(0, start - 2), start)) && !WORD_AFTER.test(t.slice(end, end + 2))
  }
}

/** Between the digits of a written number: spaces, dots, dashes, slashes, brackets (at most three in a row). */
const NUMBER_RUN = /\+?\d(?:[ \u00A0.\-/()]{0,3}\d)*/g

/** A number as its country code and national digits, the two parts a written number is made of. */
interface NumberParts {
  country: string
  national: string
}

function numberParts(e164: string): NumberParts[] {
  const parsed = parsePhoneNumberFromString(e164)
  const own = parsed ? [{country: parsed.countryCallingCode, national: String(parsed.nationalNumber)}] : []
  // Italian fixed lines keep their leading 0 in the national number; other countries drop a trunk 0 written before it.
  return [...own, ...own.map(p => ({...p, national: `0${p.national}`}))]
}

/**
 * Finds a number however it is written: `+39 335 123 4567`, `0039 335 1234567`, `335.123.4567`, `335/1234567`,
 * `+39 (335) 1234567`, `393351234567`. A run of digits and separators holds it when its national digits start the
 * run, follow a separator, or follow the country code (`39`, `0039`) that does; and end the run or meet a separator.
 * A longer number that merely contains its digits is someone else's.
 */
export class NumberSet {
  private readonly parts: NumberParts[]

  constructor(e164s: readonly string[]) {
    this.parts = e164s.flatMap(p => numberParts(p))
  }

  get empty(): boolean {
    return this.parts.length === 0
  }

  foundIn(text: string): boolean {
    if (this.empty) return false
    for (const m of text.matchAll(NUMBER_RUN)) {
      const run = m[0]
      let digits = ''
      const split: boolean[] = []
      let gap = true
      for (const ch of run) {
        if (ch >= '0' && ch <= '9') {
          split.push(gap)
          digits += ch
          gap = false
        } else gap = true
      }

      split.push(true)
      if (this.parts.some(p => holds(digits, split, p))) return true
    }

    return false
  }
}

function holds(digits: string, split: readonly boolean[], p: NumberParts): boolean {
  for (let at = digits.indexOf(p.national); at !== -1; at = digits.indexOf(p.national, at + 1)) {
    if (!split[at + p.national.length]) continue
    if (split[at]) return true
    for (const prefix of [p.country, `00${p.country}`]) {
      const from = at - prefix.length
      if (from >= 0 && split[from] && digits.slice(from, at) === prefix) return true
    }
  }

  return false
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

/**
 * What reads as somebody's number beside a name: 8 to 15 digits, an international number with separators, or a
 * national one grouped as written by hand (`340 999 8877`, `340-9998877`). Dates and times do not fit these.
 */
const PHONE_TOKEN = /\+?\d{8,15}|\+\d[\d \u00A0.\-/()]{6,22}\d|(?<![\d+])\d{2,4}[ \u00A0.\-/]\d{3}[ \u00A0.\-/]?\d{3,4}(?!\d)/g

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
  private readonly numbers: NumberSet

  constructor(target: ErasureTarget) {
    // Ids and names count only as whole tokens: `wamid.h5` is not in `wamid.h50`, a user id not in a longer one.
    this.ids = new NeedleSet(target.ids, false, true)
    this.numbers = new NumberSet(target.phones)
    this.names = new NeedleSet(
      target.names.filter(n => searchableName(n)),
      true,
      true,
    )
    // The names are also searched word by word, in any order, with those the tombstone keeps as hashes.
    const words = new NameWordSet(target.names.filter(n => searchableName(n)), target.namesHashed)
    this.nameWords = words.empty ? undefined : words
  }

  get empty(): boolean {
    return this.ids.empty && this.numbers.empty && this.names.empty && !this.nameWords
  }

  /** A target number however written, or one of the target ids. */
  hasId(text: string): boolean {
    return this.ids.foundIn(text) || this.numbers.foundIn(text)
  }

  hasName(text: string): boolean {
    return this.names.foundIn(text) || (this.nameWords?.foundIn(text) ?? false)
  }

  /** Mentions a number that is not one of the targets' (then a name alone may be a namesake's). */
  hasOtherPhone(text: string): boolean {
    for (const m of text.matchAll(PHONE_TOKEN)) if (!this.numbers.foundIn(m[0])) return true
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
