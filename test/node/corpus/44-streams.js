const { Readable, Writable, Transform, pipeline, PassThrough } = require('stream')
const { pipeline: pp } = require('stream/promises')
async function main() {
  const upper = new Transform({
    transform(chunk, enc, cb) {
      cb(null, chunk.toString().toUpperCase())
    },
  })
  const collected = []
  const sink = new Writable({
    write(chunk, enc, cb) {
      collected.push(chunk.toString())
      cb()
    },
  })
  await new Promise((resolve) =>
    pipeline(Readable.from(['alpha ', 'beta ', 'gamma']), upper, sink, (err) => {
      console.log('pipeline done', err, collected.join(''))
      resolve()
    }),
  )
  const r = new Readable({ read() {} })
  r.push('chunk1,')
  r.push('chunk2')
  r.push(null)
  let data = ''
  r.on('data', (c) => (data += c))
  await new Promise((resolve) => r.on('end', resolve))
  console.log('readable end:', data)
  const parts = []
  for await (const chunk of Readable.from([1, 2, 3])) parts.push(chunk * 10)
  console.log('async iteration:', parts)
  const pt = new PassThrough()
  const got = []
  pt.on('data', (c) => got.push(c.toString()))
  pt.write('through')
  pt.end('!')
  await new Promise((resolve) => pt.on('end', resolve))
  console.log('passthrough:', got.join(''))
  const out = []
  await pp(Readable.from(['x', 'y']), new Writable({ objectMode: true, write(c, e, cb) { out.push(c); cb() } }))
  console.log('promise pipeline:', out)
  const lines = []
  const splitter = new Transform({
    readableObjectMode: true,
    transform(chunk, enc, cb) {
      for (const l of chunk.toString().split('\n')) if (l) this.push(l.length)
      cb()
    },
  })
  splitter.on('data', (n) => lines.push(n))
  splitter.end('one\nthree\nfive')
  await new Promise((resolve) => splitter.on('end', resolve))
  console.log('line lengths:', lines)
}
main()
