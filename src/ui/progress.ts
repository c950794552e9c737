/**
 * Progress of a running broadcast, on stderr (stdout stays one JSON document under --json): a bar with ETA
 * on a terminal, a plain line every few seconds otherwise (logs, pipes, CI).
 */
import {broadcast as t} from '../messages/it.js'

export interface ProgressSnapshot {
  done: number
  elapsedMs: number
  failed: number
  rate: number
  retrying: number
  sent: number
  total: number
  uncertain: number
}

export interface ProgressView {
  stop(): void
  update(p: ProgressSnapshot): void
}

/** Milliseconds between plain lines. */
const PLAIN_EVERY_MS = 5000

/** Remaining time from the pace so far (the configured rate until there is a pace). */
function etaMs(p: ProgressSnapshot): number {
  const left = p.total - p.done
  const pace = p.done > 0 && p.elapsedMs > 0 ? p.done / p.elapsedMs : p.rate / 1000
  return pace > 0 ? left / pace : 0
}

export async function startProgress(total: number, stream: NodeJS.WriteStream = process.stderr): Promise<ProgressView> {
  if (stream.isTTY) {
    const {default: cliProgress} = await import('cli-progress')
    const bar = new cliProgress.SingleBar(
      {
        clearOnComplete: false, etaBuffer: 200, format: t.progressBar, fps: 5, hideCursor: true, stream,
      },
      cliProgress.Presets.shades_classic,
    )
    bar.start(total, 0, {failed: 0, speed: 0, uncertain: 0})
    return {
      stop: () => bar.stop(),
      update(p) {
        const speed = p.elapsedMs > 0 ? Math.round((p.done * 1000) / p.elapsedMs) : 0
        bar.update(p.done, {failed: p.failed, speed, uncertain: p.uncertain})
      },
    }
  }

  let last = 0
  return {
    stop() {},
    update(p) {
      if (p.done >= p.total || p.elapsedMs - last < PLAIN_EVERY_MS) return
      last = p.elapsedMs
      stream.write(t.progressLine({...p, etaMs: etaMs(p)}) + '\n')
    },
  }
}
