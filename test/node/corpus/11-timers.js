let count = 0
const iv = setInterval(() => {
  count++
  console.log('tick', count)
  if (count === 3) {
    clearInterval(iv)
    console.log('interval cleared')
    setTimeout(() => console.log('a: 20ms after the interval'), 20)
    setTimeout(() => console.log('b: 10ms after the interval'), 10)
    setTimeout(() => console.log('c: 10ms after the interval, second'), 10)
  }
}, 5)
const t = setTimeout(() => console.log('should not run'), 20)
clearTimeout(t)
setTimeout((x, y) => console.log('args:', x, y), 1, 'one', 'two')
const unref = setTimeout(() => console.log('unref never runs'), 5000)
unref.unref()
const start = Date.now()
setTimeout(() => {
  console.log('elapsed ok:', Date.now() - start >= 200)
  const nested = setTimeout(() => console.log('refresh fired'), 10)
  nested.refresh()
}, 200)
