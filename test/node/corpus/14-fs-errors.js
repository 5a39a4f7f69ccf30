const fs = require('fs')
function show(fn) {
  try {
    fn()
    console.log('no error')
  } catch (e) {
    console.log(e.code, e.errno, e.syscall, e.path === undefined ? '-' : require('path').basename(e.path), '|', e.message.replace(process.cwd(), '<cwd>'))
  }
}
show(() => fs.readFileSync('does-not-exist.txt'))
show(() => fs.readFileSync('does-not-exist.txt', 'utf8'))
show(() => fs.readdirSync('no-such-dir'))
show(() => fs.statSync('missing'))
show(() => fs.unlinkSync('missing'))
fs.mkdirSync('tmp-errs', { recursive: true })
show(() => fs.mkdirSync('tmp-errs'))
show(() => fs.readFileSync('tmp-errs'))
show(() => fs.rmdirSync('missing-dir'))
fs.writeFileSync('tmp-errs/f.txt', 'x')
show(() => fs.rmSync('tmp-errs'))
show(() => fs.mkdirSync('tmp-errs/f.txt/sub', { recursive: true }))
show(() => fs.writeFileSync('tmp-errs/f.txt', 'y', { flag: 'wx' }))
console.log(fs.statSync('missing', { throwIfNoEntry: false }))
fs.rmSync('tmp-errs', { recursive: true, force: true })
fs.rmSync('tmp-errs', { recursive: true, force: true })
console.log('force ok')
try {
  fs.readFileSync('nope')
} catch (e) {
  console.log(e instanceof Error, Object.keys(e).sort())
}
