import { setTimeout as sleep } from 'node:timers/promises'
import { EventEmitter, once } from 'node:events'
import assert from 'node:assert'
import { createHash } from 'node:crypto'
console.log('before await')
const value = await sleep(10, 'slept')
console.log(value)
const em = new EventEmitter()
setTimeout(() => em.emit('ready', 1, 2), 5)
const args = await once(em, 'ready')
console.log('once args', args)
assert.deepStrictEqual(args, [1, 2])
console.log(createHash('sha256').update('esm').digest('hex').slice(0, 16))
const results = await Promise.all([1, 2, 3].map(async (n) => { await sleep(n); return n * n }))
console.log(results)
export {}
