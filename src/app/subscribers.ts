import {normalizePhone} from '../core/phone.js'
import {
  activation, cease, indexByPhone, normalizeName,
} from '../core/registry/registry.js'
import {type Subscriber} from '../core/registry/types.js'
import {type DataFolder, type MutationContext} from '../io/data-folder.js'

/** Registration at the counter: consent given in person, recorded with the operator. */
export async function addAtCounter(
  folder: DataFolder,
  ctx: MutationContext,
  input: {name: string; phone: string},
): Promise<{handEdited: string[]; kind: 'added' | 'reactivated'; subscriber: Subscriber}> {
  const {config} = await folder.config()
  const phone = normalizePhone(input.phone, config.defaultCountry)
  const name = normalizeName(input.name)
  return folder.mutate(ctx, async tx => {
    // The usual case, a new number, reads only the row it looks for and appends one (100,000 rows: BENCHMARKS.md).
    const result = activation(
      await tx.findSubscriber(phone),
      {
        consent: 'in-person', name, now: tx.nowIso, operator: ctx.operator, phone, privacyNotice: config.privacyNotice,
      },
      {allowRename: false},
    )
    if (result.kind === 'added') {
      tx.appendSubscriber(result.after)
    } else {
      const list = await tx.subscribers()
      list[list.findLastIndex(s => s.phone === phone)] = result.after
      tx.setSubscribers(list)
    }

    tx.audit({
      action: `subscriber.${result.kind === 'added' ? 'add' : 'reactivate'}`, after: result.after, before: result.before, subject: phone,
    })
    return {handEdited: tx.handEdits.map(h => h.file), kind: result.kind as 'added' | 'reactivated', subscriber: result.after}
  })
}

export async function ceaseAtCounter(
  folder: DataFolder,
  ctx: MutationContext,
  input: {phone: string},
): Promise<{handEdited: string[]; subscriber: Subscriber}> {
  const {config} = await folder.config()
  const phone = normalizePhone(input.phone, config.defaultCountry)
  return folder.mutate(ctx, async tx => {
    const list = await tx.subscribers()
    const {after, before} = cease(list, indexByPhone(list), {now: tx.nowIso, operator: ctx.operator, phone})
    tx.setSubscribers(list)
    tx.audit({
      action: 'subscriber.cease', after, before, subject: phone,
    })
    return {handEdited: tx.handEdits.map(h => h.file), subscriber: after}
  })
}
