const target = { name: 'target', secret: 1 }
const proxy = new Proxy(target, {
  get(t, k, r) {
    return k === 'secret' ? '***' : Reflect.get(t, k, r)
  },
  has(t, k) {
    return k !== 'secret' && k in t
  },
})
console.log(proxy.name, proxy.secret, 'secret' in proxy, 'name' in proxy)
const id = Symbol('id')
const obj = { [id]: 123, regular: true, [Symbol.for('shared')]: 'x' }
console.log(obj[id], Object.keys(obj), Object.getOwnPropertySymbols(obj).length, Symbol.for('shared') === Symbol.for('shared'))
console.log(obj)
const frozen = Object.freeze({ a: 1 })
'use strict'
console.log(Object.isFrozen(frozen), Reflect.ownKeys({ b: 1, [id]: 2 }))
const wm = new WeakMap()
const key = {}
wm.set(key, 'v')
console.log(wm.get(key), wm.has({}))
console.log(Object.entries({ x: 1, y: 2 }).map(([k, v]) => `${k}=${v}`).join('&'))
console.log(Array.prototype.slice.call({ 0: 'a', 1: 'b', length: 2 }), Array.from({ length: 3 }))
const getterObj = { get computed() { return 6 * 7 } }
console.log(getterObj.computed, getterObj)
label: for (const i of [1, 2, 3]) {
  for (const j of [1, 2, 3]) {
    if (j === 2) continue label
    if (i === 3) break label
    console.log(i, j)
  }
}
