#!/usr/bin/env node
// `npm run bench [-- section…]`: generates its own data, takes medians of several runs and writes
// BENCHMARKS.md with the machine it ran on. Sections can be chosen by name; the others keep their
// last figures in BENCHMARKS.md.
import {spawnSync} from 'node:child_process'
import {
  existsSync, mkdirSync, readFileSync, rmSync, writeFileSync,
} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {fileURLToPath} from 'node:url'

import {sections} from './bench/sections.js'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const out = path.join(root, 'BENCHMARKS.md')
const wanted = process.argv.slice(2)
const chosen = wanted.length > 0 ? sections.filter(s => wanted.includes(s.name)) : sections
if (chosen.length === 0) {
  console.error(`Sezioni disponibili: ${sections.map(s => s.name).join(', ')}`)
  process.exit(2)
}

const work = path.join(root, '.bench-tmp')
rmSync(work, {force: true, recursive: true})
mkdirSync(work, {recursive: true})

const previous = existsSync(out) ? readFileSync(out, 'utf8') : ''
const kept = new Map()
for (const block of previous.split(/^<!-- section: /m).slice(1)) {
  const name = block.slice(0, block.indexOf(' -->'))
  kept.set(name, '<!-- section: ' + block.trimEnd())
}

const machine = [
  `- date: ${new Date().toISOString().slice(0, 10)}`,
  `- CPU: ${os.cpus()[0]?.model ?? '?'} × ${os.cpus().length}`,
  `- memory: ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB`,
  `- Node.js ${process.version} on ${os.type()} ${os.release()}`,
  `- git: ${spawnSync('git', ['rev-parse', '--short', 'HEAD'], {cwd: root, encoding: 'utf8'}).stdout.trim()}`,
].join('\n')

for (const section of chosen) {
  console.log(`== ${section.name}`)
  const dir = path.join(work, section.name)
  mkdirSync(dir, {recursive: true})
  const body = await section.run({dir, log: s => console.log(s), root})
  kept.set(section.name, `<!-- section: ${section.name} -->\n## ${section.title}\n\nMachine:\n${machine}\n\n${body.trim()}`)
}

// Sections this script writes come in their order; sections written by hand (a before/after comparison of two
// commits) are kept, after them, as they were.
const order = [...sections.map(s => s.name), ...[...kept.keys()].filter(n => !sections.some(s => s.name === n))]
const text = [
  '# Benchmarks',
  '',
  'Written by `npm run bench` (see CONTRIBUTING.md). Each section names the machine and commit it ran on;',
  'figures are medians over several runs unless a line says otherwise. Timing lives here, never in tests.',
  '',
  ...order.filter(n => kept.has(n)).map(n => kept.get(n) + '\n'),
].join('\n')
writeFileSync(out, text)
rmSync(work, {force: true, recursive: true})
console.log(`Scritto ${path.relative(process.cwd(), out)}`)
