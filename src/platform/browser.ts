/**
 * The browser platform: kernel workers are module Web Workers. SharedArrayBuffer needs a
 * cross-origin-isolated page (COOP/COEP headers).
 */
import type { Endpoint, Platform, WorkerHandle, WorkerSource } from './types.js'

class BrowserWorkerHandle implements WorkerHandle {
  #worker: Worker
  #exitListener: ((reason: string) => void) | undefined
  #terminated = false

  constructor(url: string | URL) {
    this.#worker = new Worker(url, { type: 'module', name: 'daylite-kernel' })
    this.#worker.addEventListener('error', (ev) => this.#exit(`kernel worker error: ${ev.message}`))
    this.#worker.addEventListener('messageerror', () => this.#exit('kernel worker message error'))
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

/** Inside a kernel worker: the channel to the page. */
export function parentEndpoint(): Endpoint {
  const scope = globalThis as unknown as {
    postMessage(message: unknown, transfer: ArrayBuffer[]): void
    addEventListener(type: 'message', listener: (ev: MessageEvent) => void): void
  }
  return {
    post: (message, transfer) => scope.postMessage(message, transfer ?? []),
    onMessage: (listener) => scope.addEventListener('message', (ev) => listener(ev.data)),
  }
}
