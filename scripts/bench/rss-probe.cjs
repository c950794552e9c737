// Preloaded into a benchmarked CLI process: on exit, appends its peak RSS (KiB) and CPU time (µs)
// to the file named by BENCH_RSS_FILE.
const fs = require('node:fs')
const file = process.env.BENCH_RSS_FILE
if (file) {
  process.on('exit', () => {
    const u = process.resourceUsage()
    fs.appendFileSync(file, `${u.maxRSS} ${u.userCPUTime + u.systemCPUTime}\n`)
  })
}
