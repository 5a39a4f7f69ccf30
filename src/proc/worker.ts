/**
 * Entry point of a process worker (bundled as `process-worker.js` for Node and for browsers):
 * runs one WASI program at a time under `src/wasi`, its files reached through the synchronous
 * channel to the owner thread. Stays alive between programs (the host pools it), keeping the
 * modules it was sent.
 */
import { parentEndpoint } from '#platform'
import { bytesSource, createWasi } from '../wasi/index.js'
import type { ByteSource } from '../wasi/index.js'
import { ChannelClient, ChannelVfs, transpileOverChannel, writeOverChannel } from './channel-client.js'
import { IMAGE_PAGE, OP } from './protocol.js'
import type { InitMessage, MemoryImage, PrepareMessage, RunMessage, WorkerMessage } from './protocol.js'

const endpoint = parentEndpoint()
const post = (m: WorkerMessage, transfer?: ArrayBuffer[]): void => endpoint.post(m, transfer)
/** Modules by key: posted once, then reused (so per-module caches such as the cwd pointer hit). */
const modules = new Map<string, WebAssembly.Module>()

function moduleOf(m: InitMessage | RunMessage | PrepareMessage): WebAssembly.Module {
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
 * The memory as an image: the pages that differ from `fresh` (the memory of a newly instantiated
 * module; beyond its end a fresh memory is zero), up to the last of them.
 */
function capture(memory: WebAssembly.Memory, fresh: Uint8Array, id: string): MemoryImage {
  const all = new Uint8Array(memory.buffer)
  const pages: number[] = []
  const count = Math.ceil(all.byteLength / IMAGE_PAGE)
  for (let p = 0; p < count; p++) {
    const at = p * IMAGE_PAGE
    if (!samePage(all, fresh, at)) pages.push(p)
  }
  const end = pages.length === 0 ? 0 : Math.min(all.byteLength, ((pages[pages.length - 1] as number) + 1) * IMAGE_PAGE)
  const bytes = new SharedArrayBuffer(end)
  new Uint8Array(bytes).set(all.subarray(0, end))
  const list = new SharedArrayBuffer(pages.length * 4)
  new Uint32Array(list).set(pages)
  return { id, bytes, size: all.byteLength, pages: list }
}

/** True when the page at `at` of `a` equals `fresh` there (zeros past `fresh`'s end). */
function samePage(a: Uint8Array, fresh: Uint8Array, at: number): boolean {
  const end = Math.min(at + IMAGE_PAGE, a.byteLength)
  const w = new Int32Array(a.buffer, at, (end - at) >> 2)
  if (at >= fresh.byteLength) {
    for (let i = 0; i < w.length; i++) if (w[i] !== 0) return false
    return true
  }
  const f = new Int32Array(fresh.buffer, fresh.byteOffset + at, (Math.min(end, fresh.byteLength) - at) >> 2)
  for (let i = 0; i < w.length; i++) if (w[i] !== (i < f.length ? f[i] : 0)) return false
  return true
}

/** Writes an image into a freshly instantiated memory: grow, then only the pages that differ. */
function restore(memory: WebAssembly.Memory, image: MemoryImage): void {
  const missing = image.size - memory.buffer.byteLength
  if (missing > 0) memory.grow(Math.ceil(missing / 65536))
  const target = new Uint8Array(memory.buffer)
  const source = new Uint8Array(image.bytes)
  for (const p of new Uint32Array(image.pages)) {
    const at = p * IMAGE_PAGE
    target.set(source.subarray(at, at + IMAGE_PAGE), at)
  }
}

/**
 * Imports that call whatever `holder.imports` holds at call time: an instance can be made (and
 * its memory restored) before the run it serves exists.
 */
function forwardingImports(module: WebAssembly.Module, holder: { imports?: WebAssembly.Imports }): WebAssembly.Imports {
  const imports: Record<string, Record<string, (...args: unknown[]) => unknown>> = {}
  for (const { module: from, name, kind } of WebAssembly.Module.imports(module)) {
    if (kind !== 'function') continue
    ;(imports[from] ??= {})[name] = (...args: unknown[]) => {
      const f = (holder.imports?.[from] as Record<string, unknown> | undefined)?.[name]
      if (typeof f !== 'function') throw new Error(`import ${from}.${name} is not bound`)
      return (f as (...a: unknown[]) => unknown)(...args)
    }
  }
  return imports
}

/**
 * An instance whose memory already holds an image, made while the worker was idle, so that the
 * next run of that image starts at `daylite_run` (the first write to fresh wasm memory costs
 * tens of µs per page on some machines: tens of ms for a 20 MiB image).
 */
interface Standby {
  moduleKey: string
  imageId: string
  instance: WebAssembly.Instance
  holder: { imports?: WebAssembly.Imports }
}
let standby: Standby | undefined

function prepareStandby(moduleKey: string, image: MemoryImage): void {
  const module = modules.get(moduleKey)
  if (!module || standby?.imageId === image.id) return
  standby = undefined
  const holder: { imports?: WebAssembly.Imports } = {}
  const instance = new WebAssembly.Instance(module, forwardingImports(module, holder))
  forwardingHolders.set(instance, holder)
  restore(instance.exports.memory as WebAssembly.Memory, image)
  standby = { moduleKey, imageId: image.id, instance, holder }
}

/**
 * Makes an instance that ran `image` to a normal return the standby again: the image written over
 * its whole memory (the prefix as is, zeros after it). Only linear memory holds state: the one
 * mutable global, the stack pointer, is balanced after a normal return (docs/decisions/0005).
 */
function reuseAsStandby(moduleKey: string, image: MemoryImage, instance: WebAssembly.Instance): void {
  if (standby?.imageId === image.id) return
  const memory = instance.exports.memory as WebAssembly.Memory
  // Only an instance made with forwarding imports can be rebound to the next run; and one whose
  // memory grew past the image's size cannot be given the image's heap back (memory never shrinks).
  const forwarding = forwardingHolders.get(instance)
  if (!forwarding || memory.buffer.byteLength !== image.size) {
    prepareStandby(moduleKey, image)
    return
  }
  const target = new Uint8Array(memory.buffer)
  const source = new Uint8Array(image.bytes)
  target.set(source)
  target.fill(0, source.byteLength)
  forwarding.imports = undefined
  standby = { moduleKey, imageId: image.id, instance, holder: forwarding }
}

/** The import holder of each instance made with forwarding imports. */
const forwardingHolders = new WeakMap<WebAssembly.Instance, { imports?: WebAssembly.Imports }>()

let images = 0

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
    const holder: { imports?: WebAssembly.Imports } = { imports: program.imports }
    const instance = new WebAssembly.Instance(module, forwardingImports(module, holder))
    forwardingHolders.set(instance, holder)
    const memory = instance.exports.memory as WebAssembly.Memory
    const fresh = new Uint8Array(memory.buffer).slice()
    const result = program.init(instance)
    const image = result.exitCode === 0 ? capture(memory, fresh, `${m.moduleKey}#${++images}#${Math.random().toString(36).slice(2)}`) : null
    holder.imports = undefined
    // The initialised instance is exactly the image: it is this worker's first standby.
    if (image) standby = { moduleKey: m.moduleKey, imageId: image.id, instance, holder }
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
      onStdout: m.piped?.stdout ? (b) => writeOverChannel(client, 1, b) : output('stdout'),
      onStderr: m.piped?.stderr ? (b) => writeOverChannel(client, 2, b) : output('stderr'),
      transpile: (source, filename) => transpileOverChannel(client, source, filename),
    })
    const image = m.entry === 'snapshot' ? m.image : undefined
    if (image && m.maxMemoryBytes !== undefined && image.size > m.maxMemoryBytes) {
      output('stderr')(new TextEncoder().encode(`the program needs ${image.size} bytes of memory at start, more than the limit of ${m.maxMemoryBytes}\n`))
      post({ type: 'exit', exitCode: 137, memoryBytes: image.size })
      return
    }
    let instance: WebAssembly.Instance
    const ready = image && standby?.imageId === image.id && standby.moduleKey === m.moduleKey ? standby : undefined
    if (ready) {
      standby = undefined
      ready.holder.imports = program.imports
      instance = ready.instance
    } else {
      instance = new WebAssembly.Instance(module, program.imports)
    }
    const memory = instance.exports.memory
    const size = (): number => (memory instanceof WebAssembly.Memory ? memory.buffer.byteLength : 0)
    if (!image && m.maxMemoryBytes !== undefined && size() > m.maxMemoryBytes) {
      output('stderr')(new TextEncoder().encode(`the program needs ${size()} bytes of memory at start, more than the limit of ${m.maxMemoryBytes}\n`))
      post({ type: 'exit', exitCode: 137, memoryBytes: size() })
      return
    }
    let result
    if (m.entry === 'start') result = program.start(instance)
    else if (image) {
      if (!ready && memory instanceof WebAssembly.Memory) restore(memory, image)
      result = program.run(instance)
    } else {
      result = program.init(instance)
      if (result.exitCode === 0) result = program.run(instance)
    }
    post({ type: 'exit', exitCode: result.exitCode, ...(result.trap !== undefined ? { trap: result.trap } : {}), memoryBytes: size() })
    // Ready the next run of this image while the worker waits: in this same instance when the run
    // returned normally (its memory is already touched, so rewriting the image costs ~1 ms per
    // 4 MiB instead of a page fault per page), else in a fresh one.
    if (image) {
      const reusable = result.returned === true && memory instanceof WebAssembly.Memory
      setTimeout(() => (reusable ? reuseAsStandby(m.moduleKey, image, instance) : prepareStandby(m.moduleKey, image)), 0)
    }
  } catch (e) {
    post({ type: 'fault', message: e instanceof Error ? `${e.name}: ${e.message}` : String(e) })
  }
}

endpoint.onMessage((message) => {
  const m = message as InitMessage | RunMessage | PrepareMessage
  if (m.type === 'run') run(m)
  else if (m.type === 'init') init(m)
  else if (m.type === 'prepare') {
    try {
      moduleOf(m)
      prepareStandby(m.moduleKey, m.image)
    } catch {
      // a standby is an optimisation: the next run restores the image itself
    }
  }
})
post({ type: 'ready' })
