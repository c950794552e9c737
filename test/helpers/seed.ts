/** Registries of a known shape written straight to iscritti.csv: faster than one CLI call per citizen. */
import {writeFileSync} from 'node:fs'
import path from 'node:path'

import {type Subscriber} from '../../src/core/registry/types.js'
import {writeTable} from '../../src/io/csv-table.js'
import {SUBSCRIBERS} from '../../src/io/tables.js'

export const phoneOf = (i: number) => `+39320${String(i).padStart(7, '0')}`

/** n active subscribers written straight to iscritti.csv (plus `ceased` ceased ones, never recipients). */
export function seedSubscribers(dataDir: string, n: number, ceased = 0): string[] {
  const rows: Subscriber[] = []
  for (let i = 0; i < n + ceased; i++) {
    const active = i < n
    rows.push({
      approvedBy: 'seed',
      ...(active ? {} : {ceasedAt: '2025-02-01T10:00:00+01:00', ceasedBy: 'seed'}),
      consent: 'message',
      name: `Cittadino ${i}`,
      phone: phoneOf(i),
      privacyNotice: '2021-12-21',
      status: active ? 'active' : 'ceased',
      subscribedAt: '2025-01-01T10:00:00+01:00',
      updatedAt: '2025-01-01T10:00:00+01:00',
    })
  }

  writeFileSync(path.join(dataDir, 'iscritti.csv'), writeTable(SUBSCRIBERS, rows))
  return rows.slice(0, n).map(r => r.phone)
}
