try {
  await import('./esm/does-not-exist.mjs')
} catch (e) {
  console.log('missing module:', e.code)
}
try {
  await import('no-such-package-xyz')
} catch (e) {
  console.log('missing package:', e.code)
}
const mod = await import('node:path')
console.log(typeof mod.default.join, typeof mod.join)
const { default: os, platform } = await import('node:os')
console.log(typeof os.platform, platform === os.platform)
