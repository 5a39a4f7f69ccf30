const util = require('util')
const fs = require('fs')
const wait = util.promisify((ms, cb) => setTimeout(() => cb(null, `waited ${ms}`), ms))
wait(300).then(console.log)
const stat = util.promisify(fs.stat)
stat(__filename).then((s) => console.log('promisified stat isFile:', s.isFile()))
console.log(util.inspect({ a: { b: { c: { d: 1 } } } }, { depth: 0 }))
console.log(util.inspect({ a: { b: { c: { d: 1 } } } }, { depth: null }))
console.log(util.inspect('str'), util.inspect([1, 2, 3], { compact: false }))
console.log(util.types.isPromise(Promise.resolve()), util.types.isDate(new Date()), util.types.isRegExp(/x/))
console.log(util.isDeepStrictEqual({ a: [1] }, { a: [1] }), util.isDeepStrictEqual([1], ['1']))
function Old() {}
util.inherits(Old, require('events'))
console.log(typeof new Old().on)
const cb = util.callbackify(async (x) => x * 2)
cb(21, (err, v) => console.log('callbackify:', err, v))
class Temp {
  [util.inspect.custom]() {
    return 'Temp<custom>'
  }
}
console.log(new Temp(), [new Temp()])
console.log(util.format('%s %o', 'x', [1]))
const { values, positionals } = util.parseArgs({ args: ['-v', '--name', 'bob', 'file.txt'], options: { v: { type: 'boolean' }, name: { type: 'string' } }, allowPositionals: true })
console.log(values, positionals)
