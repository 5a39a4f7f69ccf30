/**
 * The Node.js platform: kernel workers are `worker_threads` Workers.
 */
import { existsSync } from 'node:fs'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { dirname } from 'node:path'
import { Readable } from 'node:stream'
import { availableParallelism } from 'node:os'
import { fileURLToPath } from 'node:url'
import { Worker, parentPort } from 'node:worker_threads'
import type { Endpoint, Platform, WorkerHandle, WorkerSource } from './types.js'

/**
 * Finds the kernel worker bundle: next to this module in the published package (`dist/`), or in
 * `dist/` when running from the sources (tests, `tsx`), after `npm run build`.
 */
function defaultKernelWorkerPath(): string {
  return defaultWorkerPath('kernel-worker.js')
}

/** Finds a worker bundle the same way as the kernel worker's. */
function defaultWorkerPath(file: string): string {
  const candidates = [new URL(`./${file}`, import.meta.url), new URL(`../../dist/${file}`, import.meta.url)]
  for (const url of candidates) {
    const path = fileURLToPath(url)
    if (existsSync(path)) return path
  }
  throw new Error(`daylite: ${file} not found; run \`npm run build\` (or pass \`workerUrl\`)`)
}

class NodeWorkerHandle implements WorkerHandle {
  #worker: Worker
  #exitListener: ((reason: string) => void) | undefined
  #terminated = false

  constructor(path: string, label = 'kernel worker') {
    // No inherited flags: the worker is a self-contained bundle, and some host flags are refused in
    // workers (`--expose-gc`) or break them (`--input-type=module -e …`). V8 flags are process-wide anyway.
    this.#worker = new Worker(path, { stdout: false, stderr: false, execArgv: [] })
    this.#worker.on('error', (err) => this.#exit(`${label} error: ${err.message}`))
    this.#worker.on('exit', (code) => this.#exit(`${label} exited with code ${code}`))
  }

  #exit(reason: string): void {
    if (this.#terminated) return
    this.#terminated = true
    this.#exitListener?.(reason)
  }

  post(message: unknown, transfer?: ArrayBuffer[]): void {
    this.#worker.postMessage(message, transfer ?? [])
  }

  onMessage(listener: (message: unknown) => void): void {
    this.#worker.on('message', listener)
  }

  onExit(listener: (reason: string) => void): void {
    this.#exitListener = listener
  }

  async terminate(): Promise<void> {
    this.#terminated = true
    await this.#worker.terminate()
  }

  unref(): void {
    this.#worker.unref()
  }

  ref(): void {
    this.#worker.ref()
  }
}

/** The Node.js implementation of {@link Platform}. */
export const platform: Platform = {
  name: 'node',
  startKernelWorker(source?: WorkerSource): WorkerHandle {
    const path = source === undefined ? defaultKernelWorkerPath() : source instanceof URL ? fileURLToPath(source) : source
    return new NodeWorkerHandle(path)
  },
  startProcessWorker(source?: WorkerSource): WorkerHandle {
    const path = source === undefined ? defaultWorkerPath('process-worker.js') : source instanceof URL ? fileURLToPath(source) : source
    return new NodeWorkerHandle(path, 'process worker')
  },
  async loadRuntime(path) {
    // From dist/ (the package) or from src/platform (the sources): runtimes/ sits at the package root.
    const candidates = [new URL(`../runtimes/${path}`, import.meta.url), new URL(`../../runtimes/${path}`, import.meta.url)]
    for (const url of candidates) {
      const file = fileURLToPath(url)
      if (existsSync(file)) return new Uint8Array(await readFile(file))
    }
    throw new Error(`daylite: runtime ${path} not found next to the package (runtimes/${path})`)
  },
  cpuCount: () => availableParallelism(),
  hostMemoryBytes: () => process.memoryUsage().rss,
  toBuffer: (bytes) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength),
  readLocalFile: async (path) => new Uint8Array(await readFile(path)),
  async writeLocalFile(path, data) {
    await mkdir(dirname(path), { recursive: true })
    await writeFile(path, data)
  },
  async collect(source, onProgress, signal) {
    if (typeof source === 'string') return new Uint8Array(await readFile(source, { signal }))
    if (source instanceof Uint8Array) return source
    const chunks: Uint8Array[] = []
    let total = 0
    const iterable: AsyncIterable<unknown> | undefined =
      source instanceof Readable
        ? source
        : typeof ReadableStream !== 'undefined' && source instanceof ReadableStream
          ? Readable.fromWeb(source as import('node:stream/web').ReadableStream)
          : undefined
    if (!iterable) throw new TypeError('upload source must be a Buffer, a Uint8Array, a local path, a Readable or a ReadableStream')
    for await (const chunk of iterable) {
      signal?.throwIfAborted()
      const bytes = typeof chunk === 'string' ? new TextEncoder().encode(chunk) : (chunk as Uint8Array)
      chunks.push(bytes)
      total += bytes.byteLength
      onProgress?.(total)
    }
    return new Uint8Array(Buffer.concat(chunks, total))
  },
  toReadable(bytes, onProgress, signal) {
    const chunk = 64 * 1024
    let offset = 0
    return new Readable({
      signal,
      read() {
        if (offset >= bytes.byteLength) {
          this.push(null)
          return
        }
        const part = Buffer.from(bytes.buffer, bytes.byteOffset + offset, Math.min(chunk, bytes.byteLength - offset))
        offset += part.byteLength
        onProgress?.(offset)
        this.push(part)
      },
    })
  },
}

/** Inside a kernel or process worker: the channel to the host. */
export function parentEndpoint(): Endpoint {
  const port = parentPort
  if (!port) throw new Error('daylite: not running in a worker')
  return {
    post: (message, transfer) => port.postMessage(message, transfer ?? []),
    onMessage: (listener) => port.on('message', listener),
  }
}
