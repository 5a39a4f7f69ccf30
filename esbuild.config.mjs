// One build script with named targets: `node esbuild.config.mjs [target…]` (default: all).
//   library        dist/index.js            the Node ESM library
//   kernel-node    dist/kernel-worker.js    the kernel worker for Node (worker_threads)
//   browser        dist/browser/index.js    the library for browsers (ESM)
//   kernel-browser dist/browser/kernel-worker.js  the kernel worker for browsers (module Web Worker)
//   cli            dist/cli.js              the `daylite` command
//   process-node   dist/process-worker.js   the process worker for Node (runs WASI programs)
//   process-browser dist/browser/process-worker.js  the process worker for browsers
// Type declarations come from `tsc -p tsconfig.build.json` (npm run build).
import * as esbuild from 'esbuild'
import { isBuiltin } from 'node:module'
import { cpSync, existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

const common = {
  bundle: true,
  format: 'esm',
  target: 'es2022',
  sourcemap: 'linked',
  logLevel: 'warning',
  legalComments: 'linked',
}

// Browser builds: just-bash's own browser entry lacks the parser API our shell uses, so we bundle its
// main entry and stub the Node built-ins it references on paths a browser never reaches (python, sqlite,
// the host filesystem). A stub is an ES module whose default export and named exports (the real
// built-in's export names, read from Node at build time) are proxies: reading any property works,
// calling or constructing one throws clearly. Every just-bash chunk starts with
// `const require = createRequire(import.meta.url)`, so `createRequire` returns a `require` proxy
// instead of throwing; calling that `require` throws. Non-built-in optional packages (zstd, lzma)
// are only reached through `import()`: their stub throws when loaded, which rejects that import.
const browserStubs = {
  name: 'browser-stubs',
  setup(build) {
    build.onResolve({ filter: /^just-bash$/ }, () => ({ path: fileURLToPath(new URL('./node_modules/just-bash/dist/bundle/index.js', import.meta.url)) }))
    // isomorphic-git and sha.js need a Buffer: daylite's small one (src/platform/buffer.ts), not a stub.
    build.onResolve({ filter: /^(node:)?buffer$/ }, () => ({ path: fileURLToPath(new URL('./src/platform/buffer.ts', import.meta.url)) }))
    const builtins = 'zlib|fs|fs/promises|path|os|crypto|child_process|url|worker_threads|stream|stream/promises|buffer|util|events|dns|module|net|tls|http|https|vm|perf_hooks|readline|assert|process|async_hooks|string_decoder'
    const stubbed = new RegExp(`^(node:.*|(${builtins})|@mongodb-js/zstd|node-liblzma)$`)
    build.onResolve({ filter: stubbed }, (args) => ({ path: args.path, namespace: 'node-stub' }))
    build.onLoad({ filter: /.*/, namespace: 'node-stub' }, async (args) => {
      const name = JSON.stringify(args.path)
      if (!isBuiltin(args.path)) {
        return { contents: `throw new Error(${name} + ' is not available in the browser build of daylite')`, loader: 'js' }
      }
      const real = await import(args.path.startsWith('node:') ? args.path : `node:${args.path}`)
      const names = Object.keys(real).filter((n) => n !== 'default')
      return {
        contents: `const name = ${name}
function unavailable(path) { return new Error(path + ' is not available in the browser build of daylite') }
function stub(path) {
  return new Proxy(function () {}, {
    get(_, key) { return key === '__esModule' ? false : key === Symbol.toPrimitive ? () => 0 : key === 'then' ? undefined : stub(path + '.' + String(key)) },
    apply(_, __, args) {
      if (path.endsWith('.createRequire')) return stub('require')
      if (path === 'require') throw unavailable('require(' + JSON.stringify(String(args[0])) + ')')
      throw unavailable(path)
    },
    construct() { throw unavailable(path) },
  })
}
const mod = stub(name)
export default mod
${names.map((n, i) => `const n${i} = mod[${JSON.stringify(n)}]\nexport { n${i} as ${JSON.stringify(n)} }`).join('\n')}
`,
        loader: 'js',
      }
    })
  },
}

// swc's TypeScript transpiler (@swc/wasm-typescript, loaded by the kernel on first use) is a CommonJS
// module that takes TextDecoder/TextEncoder from `util` and decodes its inline wasm with `Buffer.from`:
// in browsers those two come from small shims (the other Node built-ins stay stubbed).
const swcBrowserShims = {
  name: 'swc-browser-shims',
  setup(build) {
    build.onResolve({ filter: /^(util|node:buffer)$/ }, (args) => (/@swc[\\/]wasm-typescript/.test(args.importer) ? { path: args.path, namespace: 'swc-shim' } : undefined))
    build.onLoad({ filter: /.*/, namespace: 'swc-shim' }, (args) => ({
      loader: 'js',
      contents:
        args.path === 'util'
          ? 'export const TextDecoder = globalThis.TextDecoder, TextEncoder = globalThis.TextEncoder'
          : `export const Buffer = { from(text, encoding) {
  if (encoding !== 'base64') throw new Error('daylite browser Buffer shim: only base64 strings')
  const raw = atob(text), out = new Uint8Array(raw.length)
  for (let i = 0; i < raw.length; i++) out[i] = raw.charCodeAt(i)
  return out
} }`,
    }))
  },
}

// Browser builds are minified with `keepNames`: Daytona's error classes report their class name as
// `error.name` (`new.target.name`), so a browser must see `DaytonaNotFoundError`, not `T`.
//
// just-bash's own browser build defines `__BROWSER__`: its Node-only paths (the defense-in-depth box
// built on node:async_hooks, tar/yq/xan/sqlite3/python commands, DNS pinning) are then skipped
// instead of touching a stub at load time.
const browserDefine = { __BROWSER__: 'true' }

/** Dependencies Node builds load from node_modules instead of bundling (just-bash; swc's 3.7 MB transpiler, loaded on first use). */
const NODE_EXTERNAL = ['just-bash', '@swc/wasm-typescript', 'isomorphic-git']

const nodeBanner = { js: "import { createRequire as __daylite_createRequire } from 'node:module'; const require = __daylite_createRequire(import.meta.url);" }

export const targets = {
  library: { ...common, platform: 'node', entryPoints: { index: 'src/index.ts' }, outdir: 'dist', external: NODE_EXTERNAL, banner: nodeBanner },
  'kernel-node': { ...common, platform: 'node', entryPoints: { 'kernel-worker': 'src/engine/kernel/worker.ts' }, outdir: 'dist', external: NODE_EXTERNAL, banner: nodeBanner },
  browser: { ...common, minify: true, keepNames: true, platform: 'browser', conditions: ['browser'], define: browserDefine, entryPoints: { index: 'src/index.ts' }, outdir: 'dist/browser', plugins: [browserStubs] },
  'kernel-browser': {
    ...common,
    minify: true,
    keepNames: true,
    platform: 'browser',
    conditions: ['browser'],
    define: browserDefine,
    entryPoints: { 'kernel-worker': 'src/engine/kernel/worker.ts' },
    outdir: 'dist/browser',
    // Chunks: the TypeScript transpiler (2.7 MB of wasm) loads only when TypeScript first runs.
    splitting: true,
    chunkNames: 'chunks/[name]-[hash]',
    plugins: [swcBrowserShims, browserStubs],
  },
  'process-node': { ...common, platform: 'node', entryPoints: { 'process-worker': 'src/proc/worker.ts' }, outdir: 'dist', banner: nodeBanner },
  'process-browser': {
    ...common,
    minify: true,
    keepNames: true,
    platform: 'browser',
    conditions: ['browser'],
    entryPoints: { 'process-worker': 'src/proc/worker.ts' },
    outdir: 'dist/browser',
  },
  cli: { ...common, platform: 'node', entryPoints: { cli: 'src/cli/index.ts' }, outdir: 'dist', external: [...NODE_EXTERNAL, '@daytonaio/sdk'], banner: { js: '#!/usr/bin/env node\n' + nodeBanner.js } },
}

/** The runtime artifacts a browser kernel fetches next to its bundle (platform/browser.ts `loadRuntime`). */
export const BROWSER_RUNTIMES = ['quickjs/qjs.wasm', 'quickjs/node', 'python/python.wasm', 'python/python313.zip']

/** Copies {@link BROWSER_RUNTIMES} into `<outdir>/runtimes/`. */
export function copyBrowserRuntimes(outdir) {
  const root = fileURLToPath(new URL('.', import.meta.url))
  for (const artifact of BROWSER_RUNTIMES) {
    const from = `${root}runtimes/${artifact}`
    if (existsSync(from)) cpSync(from, `${outdir}/runtimes/${artifact}`, { recursive: true })
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const names = process.argv.slice(2).length > 0 ? process.argv.slice(2) : Object.keys(targets)
  const started = performance.now()
  await Promise.all(
    names.map((name) => {
      const config = targets[name]
      if (!config) throw new Error(`unknown build target ${name}; known: ${Object.keys(targets).join(', ')}`)
      return esbuild.build(config)
    }),
  )
  if (names.includes('kernel-browser')) copyBrowserRuntimes('dist/browser')
  console.log(`built ${names.join(', ')} in ${Math.round(performance.now() - started)} ms`)
}
