const original = { date: new Date(0), map: new Map([['a', { n: 1 }]]), set: new Set([1, 2]), nested: { arr: [1, [2, 3]] }, re: /x/gi }
original.self = original
const copy = structuredClone(original)
console.log(copy !== original, copy.self === copy, copy.date instanceof Date, copy.date.getTime())
console.log(copy.map.get('a'), copy.map.get('a') !== original.map.get('a'), copy.set.has(2), copy.nested.arr[1])
console.log(copy.re.source, copy.re.flags)
try {
  structuredClone({ fn() {} })
} catch (e) {
  console.log(e.name)
}
const deep = JSON.parse(JSON.stringify({ a: [1, { b: 2 }] }))
console.log(deep)
