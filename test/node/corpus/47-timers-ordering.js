const log = []
setTimeout(() => log.push('t1'), 0)
setTimeout(() => log.push('t2'), 0)
setImmediate(() => {
  log.push('i1')
  setImmediate(() => log.push('i3 (next loop)'))
  process.nextTick(() => log.push('tick in i1'))
})
setImmediate(() => log.push('i2'))
process.nextTick(() => {
  log.push('tick1')
  process.nextTick(() => log.push('tick nested'))
  Promise.resolve().then(() => log.push('promise from tick'))
})
Promise.resolve().then(() => {
  log.push('p1')
  process.nextTick(() => log.push('tick from promise'))
}).then(() => log.push('p2'))
setTimeout(() => {
  const immediatesAndTimers = log.filter((e) => e.startsWith('i')).join(',')
  console.log('immediates in order:', immediatesAndTimers)
  console.log('microtasks:', log.filter((e) => !e.startsWith('i') && !e.startsWith('t')).join(','))
  console.log('ticks:', log.filter((e) => e.startsWith('tick')).join(','))
  console.log('timers in order:', log.filter((e) => /^t\d/.test(e)).join(','))
}, 50)
