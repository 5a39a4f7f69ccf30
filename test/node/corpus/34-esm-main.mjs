import { readFileSync } from 'node:fs'
import path from 'path'
import * as math from './esm/geometry.mjs'
import defaultGreet, { shout } from './esm/greet.mjs'
import config from './lib/config.json' with { type: 'json' }
import cjsCounter from './lib/counter.js'
import { fileURLToPath } from 'url'

console.log(math.square(4), math.cube(2), Object.keys(math).sort())
console.log(defaultGreet('esm'), shout('hey'))
console.log(config.version)
cjsCounter.increment()
console.log('cjs from esm:', cjsCounter.current())
const here = fileURLToPath(import.meta.url)
console.log(path.basename(here), import.meta.url.startsWith('file:///'), (import.meta.dirname ?? path.dirname(here)) === process.cwd())
console.log(readFileSync(new URL('./esm/greet.mjs', import.meta.url), 'utf8').split('\n')[0])
const dynamic = await import('./esm/geometry.mjs')
console.log('dynamic:', dynamic.square(9), dynamic === math)
console.log(typeof require, typeof module, typeof exports)
const { kind, default: greet } = await import('esm-pkg')
console.log(kind, greet('esm'))
const { extra } = await import('esm-pkg/extra')
console.log('subpath export:', extra)
