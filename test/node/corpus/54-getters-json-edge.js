const data = { b: 2, a: 1, nested: { z: [3, 2, 1], y: 'text' } }
const sortedKeys = (obj) => (Array.isArray(obj) ? obj.map(sortedKeys) : obj && typeof obj === 'object' ? Object.fromEntries(Object.keys(obj).sort().map((k) => [k, sortedKeys(obj[k])])) : obj)
console.log(JSON.stringify(sortedKeys(data)))
console.log(JSON.stringify('line\nbreak "quoted" \u2028'), JSON.stringify(-0), JSON.stringify([NaN, Infinity]))
console.log(JSON.stringify({ a: 1, b: [1, 2] }, null, '\t'))
console.log(JSON.stringify({ toJSON() { return { custom: true } } }), JSON.stringify(1n === 1n))
try {
  JSON.stringify({ n: 10n })
} catch (e) {
  console.log(e.name)
}
console.log(Object.assign({}, null, { x: 1 }), { ...{ y: 2 }, ...null })
console.log([1, [2, [3, [4]]]].flat(Infinity), [[1, 2], [3]].flatMap((x) => x), Array.of(7, 8))
console.log([3, 1, 2].findLast((x) => x > 1), [1, 2, 3].at(-1), Object.hasOwn({ q: 1 }, 'q'))
const str = 'abc'
console.log(str.localeCompare('abd'), ['b', 'a', 'c'].sort((x, y) => x.localeCompare(y)))
console.log(Number('0x1f'), Number(''), Number(' 12 '), Number(null), Number(undefined), +[], +{})
