const readline = require('readline')
async function main() {
  const rl = readline.createInterface({ input: process.stdin, crlfDelay: Infinity })
  const rows = []
  for await (const line of rl) {
    if (!line.trim()) continue
    const [name, score] = line.split(',')
    rows.push({ name, score: Number(score) })
  }
  rows.sort((a, b) => b.score - a.score)
  console.log(rows)
  console.log('best:', rows[0].name)
}
main()
