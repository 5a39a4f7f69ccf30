/**
 * Node.js on QuickJS as shell commands (`node`, `ts-node`, `tsx`): runtimes/quickjs/qjs.wasm
 * through daylite's snapshot protocol (the prelude is evaluated once by `daylite_init`, every run
 * starts from that memory with `daylite_run`), and the prelude's files, which every sandbox sees
 * under {@link NODE_DIR}. TypeScript reaches the host's transpiler through the `daylite.transpile`
 * import (see ./transpile.ts).
 */
import { platform } from '#platform'
import type { Program, RuntimeFile } from './programs.js'

/** Where the prelude lives in every sandbox (daylite_node.c reads it from there). */
export const NODE_DIR = '/usr/lib/daylite/node'

/** The prelude's modules (runtimes/quickjs/node/), entry first. */
export const NODE_PRELUDE_FILES = [
  'prelude.js',
  'assert.js',
  'buffer.js',
  'crypto.js',
  'errors.js',
  'esm-bridge.js',
  'events.js',
  'fs.js',
  'inspect.js',
  'intl.js',
  'loop.js',
  'misc.js',
  'modules.js',
  'native.js',
  'path.js',
  'process.js',
  'stream.js',
  'url.js',
  'util.js',
] as const

/**
 * Every `node` invocation can start from the snapshot: nothing on the command line changes how
 * the runtime is initialised (a heap limit such as `--max-old-space-size` is applied per run).
 */
function fromSnapshot(_args: string[]): boolean {
  return true
}

const ARTIFACT = 'quickjs/qjs.wasm'

/** Node's programs by command name: the same runtime; `ts-node` and `tsx` treat sources as TypeScript. */
export const nodePrograms: Record<string, Program> = {
  node: { artifact: ARTIFACT, argv0: 'node', snapshot: fromSnapshot },
  'ts-node': { artifact: ARTIFACT, argv0: 'ts-node', snapshot: fromSnapshot },
  tsx: { artifact: ARTIFACT, argv0: 'tsx', snapshot: fromSnapshot },
}

/**
 * The prelude, put into every sandbox's base layer under {@link NODE_DIR}. When the files cannot
 * be loaded (a package without them) this gives none, so the other runtimes' files still install;
 * `node` then says that its runtime files are missing.
 */
export async function nodeRuntimeFiles(): Promise<RuntimeFile[]> {
  try {
    return await Promise.all(
      NODE_PRELUDE_FILES.map(async (name) => ({ path: `${NODE_DIR}/${name}`, data: await platform.loadRuntime(`quickjs/node/${name}`) })),
    )
  } catch {
    return []
  }
}
