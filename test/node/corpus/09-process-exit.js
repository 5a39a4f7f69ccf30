process.on('exit', (code) => console.log('cleanup with', code))
console.log('before exit')
function main() {
  for (let i = 0; i < 5; i++) {
    if (i === 2) {
      console.log('bailing out at', i)
      process.exit(7)
    }
    console.log('i =', i)
  }
}
main()
console.log('never printed')
