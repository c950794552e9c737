import {input} from '@inquirer/prompts'

import {approveAll, decideOne} from '../app/review.js'
import {formatPhone, tryNormalizePhone} from '../core/phone.js'
import {normalizeName} from '../core/registry/registry.js'
import {type Subscriber} from '../core/registry/types.js'
import {
  buildReviewState, type DecisionEffect, otherRequestsOf, subscriberFor,
} from '../core/requests/decide.js'
import {matchRequest} from '../core/requests/match.js'
import {pendingQueue} from '../core/requests/merge.js'
import {type RequestRecord} from '../core/requests/types.js'
import {
  checkName, NAME_MAX_CHARS, visible, visibleShort,
} from '../core/safe-text.js'
import {formatItalian, formatItalianDate} from '../core/time.js'
import {type DataFolder, type MutationContext} from '../io/data-folder.js'
import {errors, review as t, requests as tr} from '../messages/it.js'
import {namePromptProblem, reviewNotes} from '../messages/validation.js'
import {confirm, select} from './prompts.js'
import {color} from './render.js'

type Choice = 'approve' | 'approveAll' | 'correct' | 'defer' | 'discard' | 'quit' | 'reject'

function describe(r: RequestRecord, current: Subscriber | undefined, others: RequestRecord[], pos: string, keyword: string): string {
  const L = t.labels
  const state = current
    ? (current.status === 'active'
      ? t.state.active(formatItalianDate(current.subscribedAt), visible(current.name))
      : t.state.ceased(formatItalianDate(current.ceasedAt ?? current.updatedAt)))
    : t.state.none
  const lines = [
    '',
    color.strong(pos),
    `  ${L.action}:    ${color.strong(t.action[r.action])}`,
    `  ${L.phone}:  ${r.phone ? formatPhone(r.phone) : color.warn(tr.noPhone)}`,
    `  ${L.name}:      ${r.name === null ? color.warn(tr.noName) : visible(r.name)}`,
    `  ${L.received}:  ${formatItalian(r.receivedAt)}`,
    `  ${L.source}:     ${visible(r.source)}${r.author ? ` (${visible(r.author)})` : ''}`,
    `  ${L.text}:     ${color.dim(`"${visibleShort(r.rawText, 200)}"`)}`,
    `  ${L.state}: ${state}`,
  ]
  const note = r.name === null ? rejectedName(r.rawText, keyword) : null
  if (note) lines.push(color.warn(`  ${reviewNotes.nameRejected(note.problem, note.typed)}`))
  if (others.length > 0) {
    lines.push(`  ${L.others}: ${others.map(o => `${o.id} ${o.action} ${formatItalian(o.receivedAt)}`).join('; ')}`)
  }

  return lines.join('\n')
}

async function askReason(): Promise<string> {
  const picked = await select({
    choices: [...t.reasons.map(r => ({name: r, value: r})), {name: t.otherReason, value: ''}],
    message: t.reasonPrompt,
  })
  if (picked !== '') return picked
  return input({message: t.reasonTyped, validate: v => (v.trim() === '' ? t.nameEmpty : true)})
}

async function askPhone(defaultCountry: string): Promise<string> {
  const typed = await input({
    message: t.phonePrompt,
    validate(v) {
      const r = tryNormalizePhone(v, defaultCountry)
      return r.ok ? true : errors.PHONE_INVALID({input: v, problem: r.problem})
    },
  })
  return (tryNormalizePhone(typed, defaultCountry) as {phone: string}).phone
}

async function askName(): Promise<string> {
  const typed = await input({
    message: t.namePrompt,
    validate(v) {
      const checked = checkName(v)
      return checked.ok ? true : namePromptProblem(checked.problem, NAME_MAX_CHARS)
    },
  })
  return normalizeName(typed)
}

/** The name a request's message gave that the import refused, for the card's note; null when there was none. */
function rejectedName(rawText: string, keyword: string): null | {problem: string; typed: string} {
  const m = matchRequest(rawText, keyword)
  if (!m?.nameProblem) return null
  return {problem: m.nameProblem, typed: visibleShort(m.rejectedName ?? '', 60)}
}

/**
 * The clerk's review loop: one request at a time, oldest first; every decision is written before the
 * next question, so Ctrl-C (ExitPromptError → exit 130) loses nothing already decided.
 */
export async function runInteractiveReview(
  folder: DataFolder,
  ctx: MutationContext,
  log: (s: string) => void,
): Promise<{deferred: number; effects: DecisionEffect[]}> {
  const {config} = await folder.config()
  const effects: DecisionEffect[] = []
  const deferred = new Set<string>()
  const total = pendingQueue(await folder.readRequests()).length
  if (total === 0) log(t.empty)
  let position = 0
  for (;;) {
    const state = buildReviewState(await folder.readRequests(), await folder.readSubscribers())
    const queue = pendingQueue(state.requests).filter(r => !deferred.has(r.id))
    if (queue.length === 0) break
    let r = queue[0]
    position++
    const current = subscriberFor(state, r.phone)
    log(describe(r, current, otherRequestsOf(state, r), t.position(Math.min(position, total), Math.max(total, position), r.id), config.keyword))

    const offNotActive = r.action === 'OFF' && current?.status !== 'active'
    const choices: {name: string; value: Choice}[] = []
    if (r.phone === null) choices.push({name: t.choice.needPhone, value: 'correct'})
    else if (r.action === 'ON' && r.name === null) choices.push({name: t.choice.needName, value: 'correct'})
    else if (offNotActive) choices.push({name: t.choice.discardOffNotSubscribed, value: 'discard'})
    else if (r.action === 'OFF') choices.push({name: t.choice.approveOff, value: 'approve'})
    else if (current?.status === 'active') choices.push({name: t.choice.approveRename(visible(r.name!)), value: 'approve'})
    else choices.push({name: t.choice.approveOn(visible(r.name!)), value: 'approve'})
    choices.push({name: t.choice.reject, value: 'reject'})
    if (choices[0].value !== 'correct') choices.push({name: t.choice.correct, value: 'correct'})
    choices.push({name: t.choice.defer, value: 'defer'})
    if (!offNotActive) choices.push({name: t.choice.discard, value: 'discard'})
    if (queue.length > 1) choices.push({name: t.choice.approveAll(queue.length), value: 'approveAll'})
    choices.push({name: t.choice.quit, value: 'quit'})

    const choice = await select<Choice>({
      choices, default: choices[0].value, message: t.choice.prompt, pageSize: choices.length,
    })
    switch (choice) {
    case 'approve':
    case 'discard': {
      const done = await decideOne(folder, ctx, {decision: {id: r.id, kind: choice}, id: r.id})
      effects.push(done.effect!)
      log(color.good(t.decided[choice]))
      break
    }

    case 'approveAll': {
      if (await confirm({default: false, message: t.confirmAll(queue.length)})) {
        const batch = await approveAll(folder, ctx)
        effects.push(...batch.effects)
        if (batch.skipped.length > 0) log(t.skippedAll(batch.skipped.length))
        for (const s of batch.skipped) deferred.add(s.request.id)
      }

      break
    }

    case 'correct': {
      const what
        = r.phone === null ? 'phone' : (r.name === null ? 'name' : await select({choices: [{name: t.correctName, value: 'name'}, {name: t.correctPhone, value: 'phone'}], message: t.correctWhat}))
      const fix = what === 'phone' ? {phone: await askPhone(config.defaultCountry)} : {name: await askName()}
      r = (await decideOne(folder, ctx, {correction: fix, id: r.id})).request
      log(color.good(t.decided.corrected))
      position--
      break
    }

    case 'defer': {
      deferred.add(r.id)
      log(t.decided.defer)
      break
    }

    case 'quit': {
      return {deferred: deferred.size, effects}
    }

    case 'reject': {
      const reason = await askReason()
      const done = await decideOne(folder, ctx, {decision: {id: r.id, kind: 'reject', reason}, id: r.id})
      effects.push(done.effect!)
      log(color.good(t.decided.reject))
      break
    }
    }
  }

  return {deferred: deferred.size, effects}
}
