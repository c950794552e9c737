/** Requests out of a parsed chat (chat-formats.md §11, DESIGN §4). */

import type {ParsedChat} from './parse.js'

import {tryNormalizePhone} from '../phone.js'
import {matchRequest, normalizeText, type RequestAction} from '../requests/match.js'
import {nameKey} from './text.js'

export type PhoneSource = 'author' | 'option' | 'title'

export interface ChatRequest {
  action: RequestAction
  author: string
  line: number
  name: null | string
  /** E.164, or null when the chat does not tell (the clerk supplies it in review). */
  phone: null | string
  phoneSource: null | PhoneSource
  /** The whole message text (invisible marks removed). */
  rawText: string
  receivedAt: string
}

/** A message that mentions the keyword without being a request (for --show-ignored). */
export interface NearMiss {
  author: string
  line: number
  rawText: string
  receivedAt: string
}

export interface ExtractOptions {
  defaultCountry?: string
  /** The service keyword, e.g. `Servizio Info`. */
  keyword: string
  /** `--phone`, already E.164: the citizen's number for a 1:1 export that does not carry it. */
  phone?: null | string
  /** The comune's own display names: their messages never count. */
  selfNames?: readonly string[]
}

export interface ChatExtraction {
  /** Messages that are not requests. */
  ignored: number
  /** Exactly one author besides the comune and no group notice: title and --phone may give the number. */
  individual: boolean
  /** Messages read, system notices included. */
  messages: number
  nearMisses: NearMiss[]
  /** Distinct authors other than the comune, in order of appearance. */
  otherAuthors: string[]
  requests: ChatRequest[]
  /** The number read from the file/zip/folder name, when the chat is 1:1. */
  titlePhone: null | string
}

const escapeRegExp = (s: string): string => s.replaceAll(/[$()*+.?[\\\]^{|}]/g, String.raw`\$&`)

export function extractRequests(chat: ParsedChat, options: ExtractOptions): ChatExtraction {
  const defaultCountry = options.defaultCountry ?? 'IT'
  const self = new Set((options.selfNames ?? []).map(n => nameKey(n)).filter(k => k !== ''))
  // Per distinct author: is it the comune, and is it new among the others.
  const isSelf = new Map<string, boolean>()
  const others: string[] = []
  const otherKeys = new Set<string>()
  const selfCheck = (author: string): boolean => {
    let v = isSelf.get(author)
    if (v === undefined) {
      const key = nameKey(author)
      v = self.has(key)
      isSelf.set(author, v)
      if (!v && !otherKeys.has(key)) {
        otherKeys.add(key)
        others.push(author)
      }
    }

    return v
  }

  for (const m of chat.messages) if (!m.system && m.author !== null) selfCheck(m.author)

  const individual = !chat.group && others.length === 1
  const titlePhone = individual ? (chat.titles.find(t => t.phone !== null)?.phone ?? null) : null
  const optionPhone = individual && options.phone ? options.phone : null

  const authorPhones = new Map<string, null | string>()
  const authorPhone = (author: string): null | string => {
    let p = authorPhones.get(author)
    if (p === undefined) {
      const r = tryNormalizePhone(author, defaultCountry)
      p = r.ok ? r.phone : null
      authorPhones.set(author, p)
    }

    return p
  }

  // Cheap pre-filter: a message without the keyword's first word can neither match nor mention it.
  const words = options.keyword.trim().split(/\s+/)
  const prefilter = /^[\u0021-\u007E]+$/.test(words[0] ?? '') ? new RegExp(escapeRegExp(words[0]), 'i') : null
  // mentionsKeyword (match.ts), with its pattern built once.
  const mention = new RegExp(words.map(w => escapeRegExp(w)).join(String.raw`\s+`), 'iu')

  const requests: ChatRequest[] = []
  const nearMisses: NearMiss[] = []
  for (const m of chat.messages) {
    if (m.system || m.author === null || selfCheck(m.author)) continue
    if (prefilter && !prefilter.test(m.text)) continue
    const match = matchRequest(m.text, options.keyword)
    if (!match) {
      if (mention.test(normalizeText(m.text))) {
        nearMisses.push({
          author: m.author, line: m.line, rawText: m.text, receivedAt: m.receivedAt,
        })
      }

      continue
    }

    let phone = authorPhone(m.author)
    let phoneSource: null | PhoneSource = phone ? 'author' : null
    if (!phone && titlePhone) [phone, phoneSource] = [titlePhone, 'title']
    if (!phone && optionPhone) [phone, phoneSource] = [optionPhone, 'option']
    requests.push({
      action: match.action,
      author: m.author,
      line: m.line,
      name: match.name,
      phone,
      phoneSource,
      rawText: m.text,
      receivedAt: m.receivedAt,
    })
  }

  return {
    ignored: chat.messages.length - requests.length,
    individual,
    messages: chat.messages.length,
    nearMisses,
    otherAuthors: others,
    requests,
    titlePhone,
  }
}

/**
 * The comune's own name when no --self is configured (chat-formats.md §9): the one author common
 * to every chat of the batch that has exactly two authors. Needs at least two such chats.
 */
export function inferSelfName(chats: readonly ParsedChat[]): null | string {
  let common: Map<string, string> | null = null
  let pairs = 0
  for (const chat of chats) {
    if (chat.group) continue
    const authors = new Map<string, string>()
    for (const m of chat.messages) if (!m.system && m.author) authors.set(nameKey(m.author), m.author)
    if (authors.size !== 2) continue
    pairs++
    if (common === null) common = authors
    else for (const k of common.keys()) if (!authors.has(k)) common.delete(k)
  }

  if (pairs < 2 || common === null || common.size !== 1) return null
  return [...common.values()][0]
}
