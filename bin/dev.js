#!/usr/bin/env -S node --loader ts-node/esm --no-warnings=ExperimentalWarning
import {execute} from '@oclif/core'
import {rmSync} from 'node:fs'

// `npm run build` writes oclif.manifest.json for fast start-up of the built CLI. Development mode runs the
// TypeScript sources, whose commands and flags may be newer than that manifest: drop it.
rmSync(new URL('../oclif.manifest.json', import.meta.url), {force: true})
await execute({development: true, dir: import.meta.url})
