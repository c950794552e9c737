/** Webhooks are delivered at least once: inbound messages dedupe by wamid, statuses by (wamid, status). */

/** Keys already seen; `add` is true the first time a key is offered. Share one across payloads and files. */
export class SeenKeys {
  private readonly keys = new Set<string>()

  get size(): number {
    return this.keys.size
  }

  add(key: string): boolean {
    if (this.keys.has(key)) return false
    this.keys.add(key)
    return true
  }
}

export function inboundKey(wamid: string): string {
  return `m:${wamid}`
}

export function statusKey(event: {status: string; wamid: string}): string {
  // Length-prefixed: no wamid or status text can make two pairs collide.
  return `s:${event.wamid.length}:${event.wamid}:${event.status.toLowerCase()}`
}

/** Keeps the first message with each wamid, in order. Items without a wamid (malformed) are all kept. */
export function dedupeByWamid<T extends {wamid: null | string}>(items: Iterable<T>, seen = new SeenKeys()): T[] {
  const out: T[] = []
  for (const item of items) if (item.wamid === null || seen.add(inboundKey(item.wamid))) out.push(item)
  return out
}

/** Keeps the first event for each (wamid, status), in order. */
export function dedupeStatuses<T extends {status: string; wamid: string}>(items: Iterable<T>, seen = new SeenKeys()): T[] {
  const out: T[] = []
  for (const item of items) if (seen.add(statusKey(item))) out.push(item)
  return out
}
