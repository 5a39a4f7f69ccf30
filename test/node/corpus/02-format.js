const util = require('util')
console.log('%s|%s|%s', 'str', 42, { a: 1 })
console.log('%d %i %f', '42', '42.9', '3.5abc')
console.log('%j', { a: [1, 2], b: 'x' })
console.log('%o', { nested: { deep: [1, 2, 3] } })
console.log('%O', { nested: { deep: [1, 2, 3] } })
console.log('%c styled', 'color: red')
console.log('100%% done', 'extra', 'args')
console.log('%s', null, undefined, 5n)
console.log(util.format('%s=%d', 'x', 10, 'rest'))
console.log(util.format('no placeholders', { a: 1 }, [1, 2]))
const circ = { name: 'loop' }
circ.self = circ
console.log('%j', circ)
