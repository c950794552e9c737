#!/usr/bin/env node
// Runs the oclif developer tool (the devDependency) with the given arguments, without its "update available"
// check: a build neither prints that warning nor asks the registry about oclif's own versions.
// `node scripts/oclif.js manifest` is what `npm run build` uses; scripts/release.js runs `pack` through it.
import {spawnSync} from 'node:child_process'
import {createRequire} from 'node:module'
import path from 'node:path'
import {fileURLToPath} from 'node:url'

export const oclifBin = path.join(path.dirname(createRequire(import.meta.url).resolve('oclif/package.json')), 'bin', 'run.js')

/** The environment for oclif's developer tool: the given one without the update check. */
export function oclifEnv(env = process.env) {
  return {...env, OCLIF_SKIP_NEW_VERSION_CHECK: 'true'}
}

/** Runs `oclif <args>` in cwd; returns its exit code. */
export function runOclif(args, {cwd = process.cwd(), env = process.env} = {}) {
  const r = spawnSync(process.execPath, [oclifBin, ...args], {cwd, env: oclifEnv(env), stdio: 'inherit'})
  if (r.error) throw r.error
  return r.status ?? 1
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exit(runOclif(process.argv.slice(2)))
}
