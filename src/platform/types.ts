/**
 * What the engine needs from the platform it runs on. `node.ts` and `browser.ts` implement it;
 * nothing outside `src/platform` asks where it runs.
 */

/** A message channel end: a Worker seen from the host, or the host seen from inside a worker. */
export interface Endpoint {
  /** Sends a structured-cloneable message, moving the listed buffers instead of copying them. */
  post(message: unknown, transfer?: ArrayBuffer[]): void
  /** Registers the one message listener. */
  onMessage(listener: (message: unknown) => void): void
}

/** A worker the host started. */
export interface WorkerHandle extends Endpoint {
  /** Called once if the worker dies on its own (crash, uncaught error, out of memory). */
  onExit(listener: (reason: string) => void): void
  /** Stops the worker at once, whatever it is doing. */
  terminate(): Promise<void>
  /** Lets the host process exit while this idle worker is alive (Node); a no-op in browsers. */
  unref(): void
  /** Keeps the host process alive while the worker is busy (Node); a no-op in browsers. */
  ref(): void
}

/** Where the kernel worker's code comes from. */
export type WorkerSource = string | URL

/** Platform services used by the engine. */
export interface Platform {
  /** `'node'` or `'browser'`. */
  readonly name: 'node' | 'browser'
  /** Starts the kernel worker. */
  startKernelWorker(source?: WorkerSource): WorkerHandle
  /**
   * Starts a process worker (`process-worker.js`: runs WASI programs for `src/proc`). Its
   * messages carry a SharedArrayBuffer, so browsers need cross-origin isolation.
   */
  startProcessWorker(source?: WorkerSource): WorkerHandle
  /**
   * The bytes of a runtime artifact shipped with daylite (`quickjs/qjs.wasm`, a path under
   * `runtimes/`): read from the package in Node, fetched next to the bundle in browsers.
   */
  loadRuntime(path: string): Promise<Uint8Array<ArrayBuffer>>
  /** Number of logical CPUs, for pool sizing. */
  cpuCount(): number
  /** Bytes of memory the host process uses, when the platform can tell. */
  hostMemoryBytes(): number | undefined
  /** Wraps bytes as the platform's binary type (a `Buffer` in Node, the `Uint8Array` itself in browsers). */
  toBuffer(bytes: Uint8Array): Uint8Array
  /** Reads a file of the host machine (Node only: the file API's local-path variants). */
  readLocalFile(path: string): Promise<Uint8Array>
  /** Writes a file of the host machine, creating its directory (Node only). */
  writeLocalFile(path: string, data: Uint8Array): Promise<void>
  /** Collects a `Readable`, a `ReadableStream`, bytes or a local path into bytes, reporting progress. */
  collect(source: unknown, onProgress?: (bytes: number) => void, signal?: AbortSignal): Promise<Uint8Array>
  /** Exposes bytes as the platform's readable stream (a Node `Readable`), reporting progress. */
  toReadable(bytes: Uint8Array, onProgress?: (bytes: number) => void, signal?: AbortSignal): unknown
}
