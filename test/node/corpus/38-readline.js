const readline = require('readline')
const rl = readline.createInterface({ input: process.stdin, terminal: false })
const words = new Map()
let lineCount = 0
rl.on('line', (line) => {
  lineCount++
  for (const w of line.toLowerCase().split(/\W+/).filter(Boolean)) words.set(w, (words.get(w) || 0) + 1)
})
rl.on('close', () => {
  console.log('lines', lineCount)
  const top = [...words].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).slice(0, 3)
  console.log(top)
})
