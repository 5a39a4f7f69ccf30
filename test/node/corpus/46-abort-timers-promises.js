const { setTimeout: delay, setImmediate: immediate } = require('timers/promises')
async function main() {
  const ac = new AbortController()
  const p = delay(1000, 'late', { signal: ac.signal })
  setTimeout(() => ac.abort(), 5)
  try {
    await p
  } catch (e) {
    console.log('aborted:', e.name, e.code)
  }
  console.log(await delay(5, 'on time'))
  console.log(await immediate('immediate value'))
  const signal = AbortSignal.abort('reason')
  console.log(signal.aborted, signal.reason)
  const target = new EventTarget()
  target.addEventListener('ping', (e) => console.log('event:', e.type, e instanceof Event))
  target.dispatchEvent(new Event('ping'))
}
main()
