const user = { id: 1, name: 'Ada Lovelace', email: 'ada@example.com', roles: ['admin', 'dev'], profile: { age: 36, city: 'London', tags: { a: 1 } } }
console.log(user)
console.log({ a: { b: { c: { d: { e: 1 } } } } })
console.log([{ id: 1, done: false }, { id: 2, done: true }])
console.log({ 'key-with-dash': 1, valid_key: 2, $dollar: 3, 123: 'num' })
console.log({ fn() {}, arrow: () => 1, cls: class Foo {} })
console.log(Object.create(null))
console.log({ und: undefined, nul: null, nan: NaN, neg: -0 })
console.log({ long: 'x'.repeat(90) })
console.log({ multi: 'line one\nline two' })
console.log(['it\'s', 'say "hi"', `both ' and "`])
const big = {}
for (let i = 0; i < 30; i++) big['key' + i] = i
console.log(big)
