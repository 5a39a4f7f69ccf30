function* range(start, end, step = 1) {
  for (let i = start; i < end; i += step) yield i
}
console.log([...range(0, 10, 3)])
const fib = {
  *[Symbol.iterator]() {
    let [a, b] = [0, 1]
    while (true) {
      yield a
      ;[a, b] = [b, a + b]
    }
  },
}
const first = []
for (const n of fib) {
  if (n > 50) break
  first.push(n)
}
console.log(first)
const [x, , z = 'default', ...rest] = [1, 2, undefined, 4, 5]
console.log(x, z, rest)
const { a, b: { c } = {}, ...others } = { a: 1, b: { c: 2 }, d: 3, e: 4 }
console.log(a, c, others)
async function* ticker(n) {
  for (let i = 0; i < n; i++) {
    await new Promise((r) => setTimeout(r, 1))
    yield i
  }
}
;(async () => {
  const got = []
  for await (const t of ticker(3)) got.push(t)
  console.log('async gen:', got)
})()
const it = [10, 20].entries()
console.log(it.next(), it.next(), it.next())
console.log(Object.fromEntries(new Map([['k', 'v']])), Array.from('abc', (ch) => ch.toUpperCase()))
