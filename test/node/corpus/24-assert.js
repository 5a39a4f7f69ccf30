const assert = require('assert')
assert(true)
assert.ok(1)
assert.equal(1, '1')
assert.strictEqual('a', 'a')
assert.deepStrictEqual({ a: [1, { b: 2 }] }, { a: [1, { b: 2 }] })
assert.notStrictEqual(1, 2)
assert.throws(() => { throw new TypeError('bad') }, TypeError)
assert.throws(() => { throw new Error('wrong value') }, /wrong/)
assert.throws(() => { throw new Error('x') }, { message: 'x' })
console.log('passing asserts ok')
try {
  assert.strictEqual(1, 2)
} catch (e) {
  console.log(e.name, e.code, e.actual, e.expected, e.operator, e instanceof assert.AssertionError)
}
try {
  assert.deepStrictEqual({ a: 1 }, { a: 1, b: 2 })
} catch (e) {
  console.log('deep fail:', e.code, e.operator)
}
try {
  assert.equal(1, 2, 'custom message')
} catch (e) {
  console.log(e.message, e.generatedMessage)
}
try {
  assert.throws(() => {})
} catch (e) {
  console.log(e.message)
}
assert.rejects(Promise.reject(new Error('async bad')), /async/).then(() => console.log('rejects ok'))
const strict = require('assert/strict')
try {
  strict.equal(1, '1')
} catch (e) {
  console.log('strict equal fails:', e.code)
}
console.log(assert.deepEqual([1, 2], ['1', 2]) === undefined)
