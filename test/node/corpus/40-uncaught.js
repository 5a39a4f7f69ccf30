process.on('exit', (code) => console.log('exit code in handler:', code))
console.log('about to fail')
function deep() {
  throw new Error('something broke')
}
setTimeout(() => console.log('timer never runs'), 10)
deep()
console.log('not reached')
