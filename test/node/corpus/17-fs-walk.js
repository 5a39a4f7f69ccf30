const fs = require('fs')
const path = require('path')
const root = 'tmp-walk'
fs.rmSync(root, { recursive: true, force: true })
const files = ['src/index.js', 'src/lib/util.js', 'src/lib/helpers/format.js', 'README.md', 'package.json', 'test/a.test.js']
for (const f of files) {
  fs.mkdirSync(path.dirname(path.join(root, f)), { recursive: true })
  fs.writeFileSync(path.join(root, f), `// ${f}\n`.repeat(f.length % 4 + 1))
}
function walk(dir, depth = 0) {
  const out = []
  for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const full = path.join(dir, entry.name)
    if (entry.isDirectory()) {
      out.push(`${'  '.repeat(depth)}${entry.name}/`)
      out.push(...walk(full, depth + 1))
    } else {
      out.push(`${'  '.repeat(depth)}${entry.name} (${fs.statSync(full).size} bytes)`)
    }
  }
  return out
}
console.log(walk(root).join('\n'))
const jsFiles = fs.readdirSync(root, { recursive: true }).filter((f) => f.endsWith('.js')).sort()
console.log(jsFiles)
const total = jsFiles.reduce((sum, f) => sum + fs.statSync(path.join(root, f)).size, 0)
console.log('total js bytes:', total)
fs.rmSync(root, { recursive: true })
