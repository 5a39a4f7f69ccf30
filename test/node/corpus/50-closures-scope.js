function makeCounter() {
  let count = 0
  return { inc: () => ++count, dec: () => --count, get value() { return count } }
}
const c1 = makeCounter()
const c2 = makeCounter()
c1.inc(); c1.inc(); c2.dec()
console.log(c1.value, c2.value)
const fns = []
for (var i = 0; i < 3; i++) fns.push(() => i)
const fns2 = []
for (let j = 0; j < 3; j++) fns2.push(() => j)
console.log(fns.map((f) => f()), fns2.map((f) => f()))
const debounceLog = []
function debounce(fn, ms) {
  let t
  return (...args) => {
    clearTimeout(t)
    t = setTimeout(() => fn(...args), ms)
  }
}
const d = debounce((v) => console.log('debounced', v, debounceLog.length), 10)
d(1); d(2); d(3)
const compose = (...fs) => (x) => fs.reduceRight((acc, f) => f(acc), x)
console.log(compose((x) => x + 1, (x) => x * 2)(5))
const curry = (f) => (a) => (b) => f(a, b)
console.log(curry(Math.pow)(2)(10))
console.log(typeof hoisted, hoisted())
function hoisted() { return 'hoisted fn' }
console.log(this === module.exports, typeof globalThis, typeof global, global === globalThis)
