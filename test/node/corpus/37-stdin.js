let input = ''
process.stdin.setEncoding('utf8')
process.stdin.on('data', (chunk) => {
  input += chunk
})
process.stdin.on('end', () => {
  const lines = input.trim().split('\n')
  console.log('lines:', lines.length)
  const nums = lines.map(Number).filter((n) => !Number.isNaN(n))
  console.log('sum:', nums.reduce((a, b) => a + b, 0))
  console.log('upper:', lines.filter((l) => isNaN(Number(l))).map((l) => l.toUpperCase()))
})
