const name = 'world'
console.log(`Hello, ${name}!`)
console.log('numbers:', 1, 2.5, -0, 1e21, 0.1 + 0.2, 2 ** 53, NaN, Infinity)
console.log('bigint:', 123n * 2n, typeof 1n)
console.log('values:', true, null, undefined, Symbol('tag'))
console.log()
console.log('%s has %d items costing %f', 'cart', 3, 9.99)
