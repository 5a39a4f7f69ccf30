/**
 * The browser platform: kernel workers are module Web Workers, loaded from `kernel-worker.js` next
 * to the library (or `workerUrl`). The kernel does not use SharedArrayBuffer yet, so it also runs
 * on a page that is not cross-origin isolated; the process workers to come will need COOP/COEP.
 */
import type { Endpoint, Platform, WorkerHandle, WorkerSource } from './types.js'
import { installBuffer } from './buffer.js'

/** Why a kernel (or process) worker died, from its `error` event. */
function describeWorkerError(ev: Event, url: string, label = 'kernel worker'): string {
  if (typeof ErrorEvent !== 'undefined' && ev instanceof ErrorEvent && ev.message) {
    const where = ev.filename ? ` (${ev.filename}:${ev.lineno}:${ev.colno})` : ''
    return `${label} error: ${ev.message}${where}`
  }
  // A script that cannot be fetched or evaluated as a module gets a plain Event, without a message.
  return (
    `${label} could not be loaded from ${url}: it must be served next to daylite's index.js ` +
    '(or passed as `workerUrl`) with a JavaScript content type, and be allowed by the page\'s CSP and COEP'
  )
}

class BrowserWorkerHandle implements WorkerHandle {
  #worker: Worker
  #exitListener: ((reason: string) => void) | undefined
  #terminated = false

  constructor(source: string | URL, label = 'kernel worker', name = 'daylite-kernel') {
    const url = String(source)
    try {
      this.#worker = new Worker(source, { type: 'module', name })
    } catch (err) {
      const detail = err instanceof Error ? `${err.name}: ${err.message}` : String(err)
      throw new Error(`cannot start the ${label} from ${url}: ${detail}`, { cause: err })
    }
    this.#worker.addEventListener('error', (ev) => this.#exit(describeWorkerError(ev, url, label)))
    this.#worker.addEventListener('messageerror', () => this.#exit(`${label} message error: a message could not be deserialised`))
  }

  #exit(reason: string): void {
    if (this.#terminated) return
    this.#terminated = true
    // Unlike a Node worker, a Web Worker lives on after an uncaught error: stop it, so that a dead
    // kernel holds no thread and nothing it might still post reaches the host.
    this.#worker.terminate()
    this.#exitListener?.(reason)
  }

  post(message: unknown, transfer?: ArrayBuffer[]): void {
    this.#worker.postMessage(message, transfer ?? [])
  }

  onMessage(listener: (message: unknown) => void): void {
    this.#worker.addEventListener('message', (ev: MessageEvent) => listener(ev.data))
  }

  onExit(listener: (reason: string) => void): void {
    this.#exitListener = listener
  }

  async terminate(): Promise<void> {
    this.#terminated = true
    this.#worker.terminate()
  }

  unref(): void {}

  ref(): void {}
}

/** The browser implementation of {@link Platform}. */
export const platform: Platform = {
  name: 'browser',
  startKernelWorker(source?: WorkerSource): WorkerHandle {
    return new BrowserWorkerHandle(source ?? new URL('./kernel-worker.js', import.meta.url))
  },
  startProcessWorker(source?: WorkerSource): WorkerHandle {
    if (typeof SharedArrayBuffer === 'undefined' || globalThis.crossOriginIsolated === false) {
      throw new Error(
        'daylite: running programs needs SharedArrayBuffer; serve the page cross-origin isolated ' +
          '(Cross-Origin-Opener-Policy: same-origin, Cross-Origin-Embedder-Policy: require-corp)',
      )
    }
    return new BrowserWorkerHandle(source ?? new URL('./process-worker.js', import.meta.url), 'process worker', 'daylite-process')
  },
  async loadRuntime(path) {
    const url = new URL(`./runtimes/${path}`, import.meta.url)
    const response = await fetch(url)
    if (!response.ok) throw new Error(`daylite: runtime ${path} could not be fetched from ${url.href} (HTTP ${response.status})`)
    return new Uint8Array(await response.arrayBuffer())
  },
  cpuCount: () => globalThis.navigator?.hardwareConcurrency ?? 2,
  hostMemoryBytes: () => undefined,
  toBuffer: (bytes) => bytes,
  readLocalFile: () => Promise.reject(new Error('local paths are not available in a browser; pass bytes instead')),
  writeLocalFile: () => Promise.reject(new Error('local paths are not available in a browser; use the returned bytes instead')),
  async collect(source, onProgress, signal) {
    if (source instanceof Uint8Array) return source
    if (typeof ReadableStream !== 'undefined' && source instanceof ReadableStream) {
      const reader = (source as ReadableStream<Uint8Array>).getReader()
      const chunks: Uint8Array[] = []
      let total = 0
      for (;;) {
        signal?.throwIfAborted()
        const { done, value } = await reader.read()
        if (done) break
        chunks.push(value)
        total += value.byteLength
        onProgress?.(total)
      }
      const out = new Uint8Array(total)
      let offset = 0
      for (const c of chunks) {
        out.set(c, offset)
        offset += c.byteLength
      }
      return out
    }
    throw new TypeError('upload source must be a Uint8Array or a ReadableStream in a browser')
  },
  toReadable(bytes, onProgress) {
    let sent = false
    return new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent) {
          controller.close()
          return
        }
        sent = true
        controller.enqueue(bytes)
        onProgress?.(bytes.byteLength)
      },
    })
  },
}

/** Inside a kernel or process worker: the channel to the page. */
export function parentEndpoint(): Endpoint {
  // The kernel's git (isomorphic-git) uses Node's Buffer; workers get daylite's small one.
  installBuffer()
  const scope = globalThis as unknown as {
    postMessage(message: unknown, transfer: ArrayBuffer[]): void
    addEventListener(type: 'message', listener: (ev: MessageEvent) => void): void
  }
  return {
    post: (message, transfer) => scope.postMessage(message, transfer ?? []),
    onMessage: (listener) => scope.addEventListener('message', (ev) => listener(ev.data)),
  }
}
