// A Node.js module loader used as the *reference* for the TypeScript corpus scripts: real Node
// runs the .ts files after @swc/wasm-typescript removed the types, with tsx's conveniences
// (extensionless relative imports; __filename, __dirname and require inside ES modules).
import { existsSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'

const require = createRequire(import.meta.url)
const swc = require('@swc/wasm-typescript')

export async function resolve(specifier, context, next) {
  if ((specifier.startsWith('./') || specifier.startsWith('../')) && !/\.[cm]?[jt]s$/.test(specifier) && context.parentURL) {
    const candidate = new URL(`${specifier}.ts`, context.parentURL)
    if (existsSync(fileURLToPath(candidate))) return { url: candidate.href, shortCircuit: true }
  }
  return next(specifier, context)
}

export async function load(url, context, next) {
  if (!url.endsWith('.ts')) return next(url, context)
  const file = fileURLToPath(url)
  const code = swc.transformSync(readFileSync(file, 'utf8'), { mode: 'transform', filename: file }).code
  const prefix =
    `import { createRequire as __cr } from 'node:module';const require = __cr(${JSON.stringify(file)});` +
    `const __filename = ${JSON.stringify(file)};const __dirname = ${JSON.stringify(file.replace(/\/[^/]*$/, ''))};`
  return { format: 'module', source: prefix + code, shortCircuit: true }
}
