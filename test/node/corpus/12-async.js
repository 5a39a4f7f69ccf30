const sleep = (ms, v) => new Promise((r) => setTimeout(() => r(v), ms))
async function fetchUser(id) {
  await sleep(5)
  if (id === 3) throw new Error(`user ${id} not found`)
  return { id, name: `user${id}` }
}
async function main() {
  const one = await fetchUser(1)
  console.log('one:', one)
  const all = await Promise.all([fetchUser(1), fetchUser(2)])
  console.log('all:', all.map((u) => u.name))
  const settled = await Promise.allSettled([fetchUser(2), fetchUser(3)])
  console.log('settled:', settled.map((s) => s.status))
  console.log('reason:', settled[1].reason.message)
  const first = await Promise.race([sleep(20, 'slow'), sleep(5, 'fast')])
  console.log('race:', first)
  const any = await Promise.any([Promise.reject(new Error('x')), sleep(1, 'any-ok')])
  console.log('any:', any)
  try {
    await fetchUser(3)
  } catch (e) {
    console.log('caught:', e.message)
  }
  for (const id of [1, 2]) {
    const u = await fetchUser(id)
    console.log('seq', u.id)
  }
  const results = []
  await Promise.all([30, 10, 20].map(async (ms) => {
    await sleep(ms)
    results.push(ms)
  }))
  console.log('completion order:', results)
}
main().then(() => console.log('done'))
