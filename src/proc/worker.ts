/**
 * Entry point of a process worker (bundled as `process-worker.js` for Node and for browsers):
 * runs one WASI program at a time under `src/wasi`, its files reached through the synchronous
 * channel to the owner thread. Stays alive between programs (the host pools it), keeping the
 * modules it was sent.
 */
import { parentEndpoint } from '#platform'
import { bytesSource, createWasi } from '../wasi/index.js'
import type { ByteSource } from '../wasi/index.js'
import { ChannelClient, ChannelVfs, transpileOverChannel } from './channel-client.js'
import { OP } from './protocol.js'
import type { InitMessage, MemoryImage, RunMessage, WorkerMessage } from './protocol.js'

const endpoint = parentEndpoint()
const post = (m: WorkerMessage, transfer?: ArrayBuffer[]): void => endpoint.post(m, transfer)
/** Modules by key: posted once, then reused (so per-module caches such as the cwd pointer hit). */
const modules = new Map<string, WebAssembly.Module>()

function moduleOf(m: InitMessage | RunMessage): WebAssembly.Module {
  if (m.module) modules.set(m.moduleKey, m.module)
  const module = modules.get(m.moduleKey)
  if (!module) throw new Error(`module ${m.moduleKey} was never sent to this worker`)
  return module
}

const output = (type: 'stdout' | 'stderr') => (bytes: Uint8Array) => {
  // fd_write hands over a fresh, exactly sized buffer: move it instead of copying.
  const own = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength && bytes.buffer instanceof ArrayBuffer
  const out = own ? bytes : bytes.slice()
  post({ type, bytes: out }, [out.buffer as ArrayBuffer])
}

/**
 * The memory as an image: its non-zero prefix in shared memory, and its size. The prefix covers at
 * least the initial memory (`minBytes`), so a data segment the guest zeroed is zeroed on restore too.
 */
function capture(memory: WebAssembly.Memory, minBytes: number): MemoryImage {
  const all = new Uint8Array(memory.buffer)
  const words = new Uint32Array(memory.buffer)
  let w = words.length
  while (w > 0 && words[w - 1] === 0) w--
  const end = Math.max(w * 4, Math.min(minBytes, all.byteLength))
  const bytes = new SharedArrayBuffer(end)
  new Uint8Array(bytes).set(all.subarray(0, end))
  return { bytes, size: all.byteLength }
}

function init(m: InitMessage): void {
  try {
    const started = performance.now()
    const module = moduleOf(m)
    const client = new ChannelClient(m.channel, m.wake, () => post({ type: 'wake' }))
    const program = createWasi(module, {
      args: m.args,
      env: m.env,
      cwd: m.cwd,
      vfs: new ChannelVfs(client),
      onStdout: output('stdout'),
      onStderr: output('stderr'),
    })
    const instance = new WebAssembly.Instance(module, program.imports)
    const memory = instance.exports.memory as WebAssembly.Memory
    const initial = memory.buffer.byteLength
    const result = program.init(instance)
    const image = result.exitCode === 0 ? capture(memory, initial) : null
    post({ type: 'image', image, exitCode: result.exitCode, initMs: performance.now() - started })
  } catch (e) {
    post({ type: 'fault', message: e instanceof Error ? `${e.name}: ${e.message}` : String(e) })
  }
}

function run(m: RunMessage): void {
  try {
    const module = moduleOf(m)
    const client = new ChannelClient(m.channel, m.wake, () => post({ type: 'wake' }))
    const stdin: ByteSource =
      m.stdin === 'channel' ? { read: (max) => client.call(OP.STDIN_READ, 'read', '', '', [max]).slice() } : bytesSource(m.stdin)
    const program = createWasi(module, {
      args: m.args,
      env: m.env,
      cwd: m.cwd,
      vfs: new ChannelVfs(client),
      stdin,
      tty: m.tty,
      onStdout: output('stdout'),
      onStderr: output('stderr'),
      transpile: (source, filename) => transpileOverChannel(client, source, filename),
    })
    const instance = new WebAssembly.Instance(module, program.imports)
    const memory = instance.exports.memory
    const size = (): number => (memory instanceof WebAssembly.Memory ? memory.buffer.byteLength : 0)
    const needed = m.entry === 'snapshot' && m.image ? m.image.size : size()
    if (m.maxMemoryBytes !== undefined && needed > m.maxMemoryBytes) {
      output('stderr')(new TextEncoder().encode(`the program needs ${needed} bytes of memory at start, more than the limit of ${m.maxMemoryBytes}\n`))
      post({ type: 'exit', exitCode: 137, memoryBytes: needed })
      return
    }
    let result
    if (m.entry === 'start') result = program.start(instance)
    else if (m.image) {
      if (memory instanceof WebAssembly.Memory && m.image.size > size()) memory.grow((m.image.size - size()) / 65536)
      result = program.run(instance, new Uint8Array(m.image.bytes))
    } else {
      result = program.init(instance)
      if (result.exitCode === 0) result = program.run(instance)
    }
    post({ type: 'exit', exitCode: result.exitCode, ...(result.trap !== undefined ? { trap: result.trap } : {}), memoryBytes: size() })
  } catch (e) {
    post({ type: 'fault', message: e instanceof Error ? `${e.name}: ${e.message}` : String(e) })
  }
}

endpoint.onMessage((message) => {
  const m = message as InitMessage | RunMessage
  if (m.type === 'run') run(m)
  else if (m.type === 'init') init(m)
})
post({ type: 'ready' })
