/** A realistic Italian Android export (it_IT, 24h) with `messages` messages; deterministic per seed. */
export function generateChat(messages: number, seed?: number): string
