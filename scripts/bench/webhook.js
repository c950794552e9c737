// Bench section for issue 15 (the webhook receiver): signed, realistic status webhooks from autocannon (keep-alive,
// 50 connections) against `cerveno-info webhook serve`, then against a minimal receiver (minimal-receiver.js) in
// the same run; then `import` of the inbox the run produced. BENCH_WEBHOOK_SECONDS shortens the runs (default 60).
import {spawn, spawnSync} from 'node:child_process'
import {createHmac} from 'node:crypto'
import {
  copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync,
} from 'node:fs'
import path from 'node:path'

import {
  bin, fmt, median, root,
} from './util.js'

const SECRET = 'bench-app-secret-0001'
const SECONDS = Number(process.env.BENCH_WEBHOOK_SECONDS ?? 60)
const CONNECTIONS = 50
const WARM_UP = Math.min(10, SECONDS)
const probe = path.join(root, 'scripts', 'bench', 'rss-probe.cjs')

/** A status webhook as Meta posts it for a notice (cloud-api.md §5.3), one status per POST, Meta's compact bytes. */
function statusBody(i) {
  const status = ['sent', 'delivered', 'read'][i % 3]
  const wamid = `wamid.HBgMMzkzMjAwMDAw${String(i).padStart(8, '0')}FQIAERgSQjQ1QzE5RTc1RDNCQUM0NTcA`
  return JSON.stringify({
    entry: [{
      changes: [{
        field: 'messages',
        value: {
          messaging_product: 'whatsapp',
          metadata: {display_phone_number: '393316509570', phone_number_id: '106540352242922'},
          statuses: [{
            biz_opaque_callback_data: `20261207-101500-a1b2:${i}:1`,
            id: wamid,
            recipient_id: `39320${String(i % 1_000_000).padStart(7, '0')}`,
            status,
            timestamp: String(1_765_100_000 + i),
            ...(status === 'sent'
              ? {
                pricing: {
                  billable: true, category: 'utility', pricing_model: 'PMP', type: 'regular',
                },
              }
              : {}),
          }],
        },
      }],
      id: '102290129340398',
    }],
    object: 'whatsapp_business_account',
  })
}

function requests(n) {
  return Array.from({length: n}, (_, i) => {
    const body = statusBody(i)
    return {
      body,
      headers: {'content-type': 'application/json', 'x-hub-signature-256': 'sha256=' + createHmac('sha256', SECRET).update(body).digest('hex')},
      method: 'POST',
    }
  })
}

/** Starts a server process; resolves with its URL (first stdout line) and a sampler of its RSS (Linux /proc). */
function startProcess(cmd, args, env, toUrl) {
  const child = spawn(cmd, args, {env: {...process.env, ...env}, stdio: ['ignore', 'pipe', 'pipe']})
  let err = ''
  child.stderr.on('data', d => {
    err += d
  })
  return new Promise((resolve, reject) => {
    let out = ''
    child.stdout.setEncoding('utf8').on('data', d => {
      out += d
      if (out.includes('\n')) resolve({child, url: toUrl(out.split('\n')[0].trim())})
    })
    child.on('exit', code => reject(new Error(`exited ${code} before listening: ${err}`)))
  })
}

function rssMiB(pid) {
  try {
    const kib = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1])
    return kib / 1024
  } catch {
    return Number.NaN
  }
}

async function load(url, reqs, seconds) {
  const {default: autocannon} = await import('autocannon')
  return new Promise((resolve, reject) => {
    autocannon({
      connections: CONNECTIONS, duration: seconds, pipelining: 1, requests: reqs, url,
    }, (error, result) => (error ? reject(error) : resolve({result})))
  })
}

/**
 * One CLI run, wall time and peak RSS. Started through /bin/sh: a process forked straight from this one starts with
 * this process's pages (autocannon and its histograms, some 300 MiB), and Linux keeps that high-water mark in the
 * child's maxRSS after exec, so the probe would report this process's size instead of the CLI's.
 */
function timeCli(args, dataDir) {
  const rssFile = path.join(root, '.bench-tmp', `rss-webhook-${process.pid}.txt`)
  rmSync(rssFile, {force: true})
  const env = {
    ...process.env, BENCH_RSS_FILE: rssFile, CERVENO_INFO_DIR: dataDir, NO_COLOR: '1',
  }
  const t0 = performance.now()
  const r = spawnSync('/bin/sh', ['-c', '"$0" "$@"; exit $?', process.execPath, '--require', probe, bin, ...args], {encoding: 'utf8', env, maxBuffer: 1024 ** 3})
  const ms = performance.now() - t0
  if (r.status !== 0) throw new Error(`${args.join(' ')} → exit ${r.status}\n${r.stderr}`)
  return {ms, rssMiB: Number(readFileSync(rssFile, 'utf8').trim().split(/\s+/)[0]) / 1024, stdout: r.stdout}
}

/** Runs the load against one server, sampling its RSS (/proc) every second; stops it with SIGTERM and waits for it. */
async function measure(server, reqs) {
  // Unmeasured first: both ends warm up (JIT) before the figures count, as for a receiver that runs for months.
  await load(server.url, reqs, WARM_UP)
  const rss = []
  const timer = setInterval(() => rss.push(rssMiB(server.child.pid)), 1000)
  const {result} = await load(server.url, reqs, SECONDS)
  clearInterval(timer)
  const exited = new Promise(resolve => {
    server.child.on('exit', code => resolve(code))
  })
  server.child.kill('SIGTERM')
  const code = await exited
  return {
    code,
    errors: result.errors,
    non2xx: result.non2xx,
    p50: result.latency.p50,
    p99: result.latency.p99,
    rate: result.requests.average,
    rss,
    sent: result.requests.sent,
    timeouts: result.timeouts,
    total: result.requests.total,
  }
}

function inboxBytes(dataDir) {
  const dir = path.join(dataDir, 'webhook')
  return readdirSync(dir).reduce((a, n) => a + statSync(path.join(dir, n)).size, 0)
}

function initFolder(dataDir) {
  const init = spawnSync(process.execPath, [bin, 'init'], {encoding: 'utf8', env: {...process.env, CERVENO_INFO_DIR: dataDir}})
  if (init.status !== 0) throw new Error(init.stderr)
}

export const webhookSection = {
  name: 'webhook',
  async run({dir, log}) {
    const dataDir = path.join(dir, 'dati')
    initFolder(dataDir)
    const reqs = requests(3000)
    const bodyBytes = reqs.reduce((a, r) => a + Buffer.byteLength(r.body), 0) / reqs.length

    const ours = await startProcess(process.execPath, [bin, 'webhook', 'serve', '--port', '0'], {
      CERVENO_INFO_DIR: dataDir, WHATSAPP_APP_SECRET: SECRET, WHATSAPP_VERIFY_TOKEN: 'bench',
    }, line => line)
    log(`cerveno-info webhook serve: ${SECONDS} s, ${CONNECTIONS} connections…`)
    const a = await measure(ours, reqs)
    log(`  ${fmt(a.rate)} POSTs/s, p50 ${a.p50} ms, p99 ${a.p99} ms, RSS max ${fmt(Math.max(...a.rss))} MiB, non-2xx ${a.non2xx}`)

    const minimal = await startProcess(process.execPath, [path.join(root, 'scripts', 'bench', 'minimal-receiver.js'), path.join(dir, 'minimal.ndjson'), SECRET], {}, port => `http://127.0.0.1:${port}/webhook`)
    log('minimal receiver…')
    const b = await measure(minimal, reqs)
    log(`  ${fmt(b.rate)} POSTs/s, p50 ${b.p50} ms, p99 ${b.p99} ms`)

    const bytes = inboxBytes(dataDir)
    const mib = bytes / 2 ** 20
    // Three imports, each into a fresh folder holding a copy of the inbox (nothing imported yet).
    const copies = [1, 2, 3].map(i => {
      const copy = path.join(dir, `dati-${i}`)
      initFolder(copy)
      mkdirSync(path.join(copy, 'webhook'))
      for (const name of readdirSync(path.join(dataDir, 'webhook'))) copyFileSync(path.join(dataDir, 'webhook', name), path.join(copy, 'webhook', name))
      return copy
    })
    const imports = copies.map(copy => timeCli(['import', '--json'], copy))
    const summary = JSON.parse(imports[0].stdout)
    const importMs = median(imports.map(r => r.ms))
    const importRss = imports.map(r => r.rssMiB)
    log(`import: ${fmt(mib, 1)} MiB in ${fmt(importMs)} ms (median of 3), peak RSS ${importRss.map(r => fmt(r)).join(', ')} MiB`)

    // The first sample is taken 1 s into the load; the last just before it ends.
    const rssLine = r => (r.rss.length > 0 ? `${fmt(r.rss[0])} → ${fmt(r.rss.at(-1))} MiB` : '—')
    const peakLine = r => (r.rss.length > 0 ? `${fmt(Math.max(...r.rss))} MiB` : '—')
    return [
      `autocannon (devDependency) in the bench process, keep-alive, ${CONNECTIONS} connections, ${SECONDS} s per receiver`,
      `after ${WARM_UP} s of the same load, not counted (both ends warm up their JIT; cold, the first seconds are 3-5× slower),`,
      `cycling through 3,000 distinct signed status webhooks (sent/delivered/read, ${fmt(bodyBytes)} bytes each, as Meta`,
      'serialises them). Both receivers on 127.0.0.1, each answering 200 only after its line is fdatasync-ed (group',
      'commit), on the same disk. The minimal receiver (scripts/bench/minimal-receiver.js) does node:http, the HMAC and',
      'the append and nothing else. The load generator runs on the same 2 cores as the receiver: absolute rates are',
      'lower than on a server of its own, and anything else running beside the bench lowers them more; the ratio of',
      'the two receivers, measured back to back in the same run, is the figure to read.',
      '',
      '| receiver | POSTs/s | median | p99 | non-2xx / errors / timeouts | RSS first → last second | peak RSS (sampled every second) |',
      '|---|---:|---:|---:|---:|---|---:|',
      `| \`cerveno-info webhook serve\` | ${fmt(a.rate)} | ${a.p50} ms | ${a.p99} ms | ${a.non2xx} / ${a.errors} / ${a.timeouts} | ${rssLine(a)} | ${peakLine(a)} |`,
      `| minimal receiver | ${fmt(b.rate)} | ${b.p50} ms | ${b.p99} ms | ${b.non2xx} / ${b.errors} / ${b.timeouts} | ${rssLine(b)} | ${peakLine(b)} |`,
      '',
      `Ours / minimal: **${fmt(a.rate / b.rate, 2)}×** (target ≥ 0.8×); target ≥ 3,000 POSTs/s, median ≤ 25 ms, p99 ≤ 250 ms.`,
      `Exit code after SIGTERM at the end of the load: ${a.code}.`,
      '',
      `Autocannon counted ${fmt(a.total)} answers of ${fmt(a.sent)} POSTs sent in the measured run: the requests still in`,
      'flight when it stops (one per connection, and the few it reports as timeouts then, for both receivers alike) are',
      'stored but not counted. RSS grows during the first tens of seconds of load as V8 sizes its heap for the rate,',
      'for both receivers alike; it does not grow with the number of payloads stored (nothing is kept per request).',
      '',
      `Then \`cerveno-info import\` (no path) of the inbox that run produced (warm-up included): ${fmt(mib, 1)} MiB, ${fmt(summary.statuses)}`,
      `statuses, each import into its own copy of the folder: **${fmt(mib / (importMs / 1000), 1)} MiB/s** (median of 3,`,
      `${fmt(importMs / 1000, 1)} s, whole process), peak RSS ${importRss.map(r => fmt(r)).join(' / ')} MiB. The statuses are of`,
      'no broadcast of this folder, so they are read and counted, not stored (as for a dump imported by path).',
    ].join('\n')
  },
  title: 'Webhook receiver and inbox import (issue 15)',
}
