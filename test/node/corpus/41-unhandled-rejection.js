console.log('start')
async function load() {
  throw new Error('async failure')
}
load()
setTimeout(() => console.log('should not print'), 50)
