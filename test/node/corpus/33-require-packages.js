const { slugify, version } = require('tiny-pkg')
console.log(slugify('  Hello World, Again!  '), version)
const esm = require('esm-pkg')
console.log(esm.kind, esm.greet('cjs'))
console.log(require('fs') === require('node:fs'), typeof require('node:path').join)
console.log(require('module').builtinModules.includes('fs'), require('module').isBuiltin('node:os'))
try {
  require('not-installed-anywhere')
} catch (e) {
  console.log(e.code)
}
const { createRequire } = require('module')
const req = createRequire(__filename)
console.log(req('./lib/config.json').version)
