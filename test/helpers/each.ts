/** Per-test fixtures for a describe: they register their own beforeEach/afterEach hooks. */
import {freshDataDir} from './cli.js'
import {type FakeCloudApi, startFakeCloudApi} from './fake-cloud-api.js'
import {type PtySession} from './pty.js'

/**
 * Gives each test of the calling describe a fresh initialised data folder (its own beforeEach/afterEach): `use`
 * receives the folder and its temp root before every test; both are removed after it.
 */
export function freshDataDirEach(use: (f: {dataDir: string; root: string}) => void): void {
  let cleanup: (() => void) | undefined
  beforeEach(async () => {
    const f = await freshDataDir()
    cleanup = f.cleanup
    use(f)
  })
  afterEach(() => {
    cleanup?.()
    cleanup = undefined
  })
}

/**
 * For each test of the calling describe: a fresh data folder and a fake Cloud API on 127.0.0.1, given to `use`;
 * after it, the pseudo-terminal `running()` returns (if any) is killed, the fake closed and the folder removed.
 */
export function broadcastEach(
  use: (f: {dataDir: string; fake: FakeCloudApi; root: string}) => void,
  running?: () => PtySession | undefined,
): void {
  let cleanup: (() => void) | undefined
  let fake: FakeCloudApi | undefined
  beforeEach(async () => {
    const f = await freshDataDir()
    cleanup = f.cleanup
    fake = await startFakeCloudApi()
    use({dataDir: f.dataDir, fake, root: f.root})
  })
  afterEach(async () => {
    running?.()?.kill()
    await fake?.close()
    cleanup?.()
    fake = undefined
    cleanup = undefined
  })
}
