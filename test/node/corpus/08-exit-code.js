process.on('exit', (code) => {
  console.log('exit handler, code =', code)
})
console.log('doing work')
setTimeout(() => {
  console.log('timer fired')
  process.exitCode = 3
}, 5)
