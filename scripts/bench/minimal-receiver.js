// The yardstick for the webhook bench: the least a correct receiver does. node:http, HMAC-SHA256 over the raw body
// compared in constant time, one line appended per payload with group commit (one write and one fdatasync for the
// lines that wait while the previous sync runs), 200 after the sync. No JSON check, no counters, no limits.
// Usage: node minimal-receiver.js FILE SECRET; prints the port, stops on SIGTERM.
import {createHmac, timingSafeEqual} from 'node:crypto'
import {open} from 'node:fs/promises'
import http from 'node:http'

const [file, secret] = process.argv.slice(2)
const handle = await open(file, 'a', 0o600)
let queue = []
let flushing = false

async function flush() {
  flushing = true
  while (queue.length > 0) {
    const batch = queue
    queue = []
    await handle.write(Buffer.concat(batch.flatMap(b => [b.line, Buffer.from('\n')])))
    await handle.datasync()
    for (const b of batch) b.done()
  }

  flushing = false
}

const server = http.createServer((req, res) => {
  const chunks = []
  req.on('data', c => chunks.push(c))
  req.on('end', () => {
    const body = Buffer.concat(chunks)
    const header = String(req.headers['x-hub-signature-256'] ?? '')
    const expected = createHmac('sha256', secret).update(body).digest()
    const given = Buffer.from(header.slice(7), 'hex')
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      res.writeHead(401).end()
      return
    }

    queue.push({done: () => res.writeHead(200).end(), line: body})
    if (!flushing) flush()
  })
})
server.listen(0, '127.0.0.1', () => console.log(server.address().port))
process.on('SIGTERM', () => {
  server.close(() => handle.close().then(() => process.exit(0)))
  server.closeAllConnections()
})
