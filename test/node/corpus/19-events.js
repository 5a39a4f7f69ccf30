const EventEmitter = require('events')
const { once } = require('events')
const em = new EventEmitter()
em.on('data', (x) => console.log('listener 1:', x))
em.prependListener('data', (x) => console.log('listener 0:', x))
em.once('data', (x) => console.log('once:', x))
console.log('emit returns', em.emit('data', 'first'))
em.emit('data', 'second')
console.log('count:', em.listenerCount('data'), 'names:', em.eventNames())
const handler = () => console.log('should not run')
em.on('x', handler)
em.off('x', handler)
console.log('emit x:', em.emit('x'))
try {
  em.emit('error', new Error('boom'))
} catch (e) {
  console.log('thrown:', e.message)
}
em.on('error', (e) => console.log('handled error:', e.message))
em.emit('error', new Error('handled'))
class Job extends EventEmitter {
  run() {
    this.emit('start', { id: 7 })
    setTimeout(() => this.emit('done', 'ok'), 5)
  }
}
const job = new Job()
job.on('start', function (info) {
  console.log('started', info, this === job)
})
once(job, 'done').then(([result]) => console.log('done via once():', result))
job.run()
em.on('newListener', (name) => console.log('adding listener for', name))
em.on('late', () => {})
em.removeAllListeners('data')
console.log('after removeAll:', em.listenerCount('data'))
