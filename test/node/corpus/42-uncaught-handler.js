process.on('uncaughtException', (err, origin) => {
  console.log('caught globally:', err.message, origin)
})
process.on('unhandledRejection', (reason) => {
  console.log('unhandled rejection:', reason.message)
})
setTimeout(() => {
  throw new Error('from timer')
}, 1)
Promise.reject(new Error('from promise'))
setTimeout(() => console.log('still alive'), 10)
