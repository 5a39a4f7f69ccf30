const fs = require('fs')
fs.mkdirSync('tmp-cb', { recursive: true })
console.log('start')
fs.writeFile('tmp-cb/a.txt', 'callback data', (err) => {
  console.log('written', err)
  fs.readFile('tmp-cb/a.txt', 'utf8', (err, data) => {
    console.log('read', err, data)
    fs.stat('tmp-cb/a.txt', (err, st) => {
      console.log('stat', err, st.size)
      fs.readdir('tmp-cb', (err, names) => {
        console.log('readdir', names)
        fs.readFile('tmp-cb/missing.txt', (err) => {
          console.log('missing', err.code)
          fs.rm('tmp-cb', { recursive: true }, (err) => console.log('rm', err, fs.existsSync('tmp-cb')))
        })
      })
    })
  })
})
Promise.resolve().then(() => console.log('promise before io'))
console.log('end of script')
