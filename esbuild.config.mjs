// One build script with named targets: `node esbuild.config.mjs [target…]` (default: all).
//   library        dist/index.js            the Node ESM library
//   kernel-node    dist/kernel-worker.js    the kernel worker for Node (worker_threads)
//   browser        dist/browser/index.js    the library for browsers (ESM)
//   kernel-browser dist/browser/kernel-worker.js  the kernel worker for browsers (module Web Worker)
//   cli            dist/cli.js              the `daylite` command
// Type declarations come from `tsc -p tsconfig.build.json` (npm run build).
import * as esbuild from 'esbuild'
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
// the host filesystem). A stub is a CommonJS proxy: importing any name works, calling it throws clearly.
const browserStubs = {
  name: 'browser-stubs',
  setup(build) {
    build.onResolve({ filter: /^just-bash$/ }, () => ({ path: fileURLToPath(new URL('./node_modules/just-bash/dist/bundle/index.js', import.meta.url)) }))
    const builtins = 'zlib|fs|fs/promises|path|os|crypto|child_process|url|worker_threads|stream|stream/promises|buffer|util|events|dns|module|net|tls|http|https|vm|perf_hooks|readline|assert|process|async_hooks|string_decoder'
    const stubbed = new RegExp(`^(node:.*|(${builtins})|@mongodb-js/zstd|node-liblzma)$`)
    build.onResolve({ filter: stubbed }, (args) => ({ path: args.path, namespace: 'node-stub' }))
    build.onLoad({ filter: /.*/, namespace: 'node-stub' }, (args) => ({
      contents: `const name = ${JSON.stringify(args.path)}
function stub(path) {
  return new Proxy(function () {}, {
    get(_, key) { return key === '__esModule' ? false : key === Symbol.toPrimitive ? () => 0 : stub(path + '.' + String(key)) },
    apply() { throw new Error(path + ' is not available in the browser build of daylite') },
    construct() { throw new Error(path + ' is not available in the browser build of daylite') },
  })
}
module.exports = stub(name)`,
      loader: 'js',
    }))
  },
}

const nodeBanner = { js: "import { createRequire as __daylite_createRequire } from 'node:module'; const require = __daylite_createRequire(import.meta.url);" }

export const targets = {
  library: { ...common, platform: 'node', entryPoints: { index: 'src/index.ts' }, outdir: 'dist', external: ['just-bash'], banner: nodeBanner },
  'kernel-node': { ...common, platform: 'node', entryPoints: { 'kernel-worker': 'src/engine/kernel/worker.ts' }, outdir: 'dist', external: ['just-bash'], banner: nodeBanner },
  browser: { ...common, minify: true, platform: 'browser', conditions: ['browser'], entryPoints: { index: 'src/index.ts' }, outdir: 'dist/browser', plugins: [browserStubs] },
  'kernel-browser': {
    ...common,
    minify: true,
    platform: 'browser',
    conditions: ['browser'],
    entryPoints: { 'kernel-worker': 'src/engine/kernel/worker.ts' },
    outdir: 'dist/browser',
    plugins: [browserStubs],
  },
  cli: { ...common, platform: 'node', entryPoints: { cli: 'src/cli/index.ts' }, outdir: 'dist', external: ['just-bash', '@daytonaio/sdk'], banner: { js: '#!/usr/bin/env node\n' + nodeBanner.js } },
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
  console.log(`built ${names.join(', ')} in ${Math.round(performance.now() - started)} ms`)
}
