/**
 * A small typed request/response protocol over an {@link Endpoint}, used between the host and
 * the kernel worker. Errors travel as {@link SandboxError} JSON; large buffers are transferred.
 */
import type { Endpoint } from '../platform/types.js'
import { SandboxError, SandboxErrorCode, toSandboxError, type SandboxErrorJSON } from './errors.js'

/** A request message. */
export interface RpcRequest {
  t: 'req'
  id: number
  method: string
  args: unknown[]
}
/** A response message. */
export type RpcResponse =
  | { t: 'res'; id: number; ok: true; value: unknown }
  | { t: 'res'; id: number; ok: false; error: SandboxErrorJSON }
/** A one-way event from the worker. */
export interface RpcEvent {
  t: 'evt'
  name: string
  payload: unknown
}
/** Any message of the protocol. */
export type RpcMessage = RpcRequest | RpcResponse | RpcEvent

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- method table of unknown shape
type AnyFn = (...args: any[]) => unknown
/** The methods of a service object. */
export type Methods<T> = { [K in keyof T as T[K] extends AnyFn ? K : never]: T[K] }

/** The argument tuple of method `K` of service `T`. */
export type CallArgs<T, K extends keyof Methods<T>> = Methods<T>[K] extends AnyFn ? Parameters<Methods<T>[K]> : never
/** The resolved result of method `K` of service `T`. */
export type CallResult<T, K extends keyof Methods<T>> = Methods<T>[K] extends AnyFn ? Awaited<ReturnType<Methods<T>[K]>> : never

const transferMarks = new WeakMap<object, ArrayBuffer[]>()

/**
 * Marks `value` so that the listed buffers are moved, not copied, when it is sent.
 * @returns `value` itself
 */
export function transfer<T extends object>(value: T, buffers: ArrayBuffer[]): T {
  transferMarks.set(value, buffers)
  return value
}

function transferList(value: unknown): ArrayBuffer[] | undefined {
  return typeof value === 'object' && value !== null ? transferMarks.get(value) : undefined
}

/** Serves `service`'s methods on `endpoint` (worker side). Returns a function to emit events. */
export function serve<T extends object>(endpoint: Endpoint, service: T): (name: string, payload: unknown, buffers?: ArrayBuffer[]) => void {
  endpoint.onMessage((message) => {
    const msg = message as RpcMessage
    if (msg.t !== 'req') return
    void handle(msg)
  })
  async function handle(req: RpcRequest): Promise<void> {
    try {
      const fn = (service as Record<string, unknown>)[req.method]
      if (typeof fn !== 'function') throw new SandboxError(SandboxErrorCode.INTERNAL, `unknown kernel method ${req.method}`)
      const value: unknown = await (fn as AnyFn).apply(service, req.args)
      endpoint.post({ t: 'res', id: req.id, ok: true, value } satisfies RpcResponse, transferList(value) ?? [])
    } catch (error) {
      endpoint.post({ t: 'res', id: req.id, ok: false, error: toSandboxError(error).toJSON() } satisfies RpcResponse)
    }
  }
  return (name, payload, buffers) => endpoint.post({ t: 'evt', name, payload } satisfies RpcEvent, buffers ?? [])
}

/** The calling side of {@link serve} (host side). */
export class RpcClient<T extends object> {
  #endpoint: Endpoint
  #nextId = 1
  #pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: SandboxError) => void }>()
  #onEvent: (name: string, payload: unknown) => void
  #closed: SandboxError | undefined

  /**
   * @param endpoint - the worker
   * @param onEvent - receives the worker's events
   */
  constructor(endpoint: Endpoint, onEvent: (name: string, payload: unknown) => void) {
    this.#endpoint = endpoint
    this.#onEvent = onEvent
    endpoint.onMessage((message) => this.#receive(message as RpcMessage))
  }

  /** Number of calls waiting for an answer. */
  get pending(): number {
    return this.#pending.size
  }

  /** Calls `method` in the worker. Rejects with the worker's {@link SandboxError}. */
  call<K extends keyof Methods<T>>(method: K, args: CallArgs<T, K>, buffers?: ArrayBuffer[]): Promise<CallResult<T, K>> {
    if (this.#closed) return Promise.reject(this.#closed)
    const id = this.#nextId++
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve: resolve as (v: unknown) => void, reject })
      try {
        this.#endpoint.post({ t: 'req', id, method: String(method), args } satisfies RpcRequest, buffers ?? [])
      } catch (error) {
        // Arguments that cannot cross a thread (a function, a symbol): the caller's mistake.
        this.#pending.delete(id)
        const clone = error instanceof Error && error.name === 'DataCloneError'
        const message = error instanceof Error ? error.message : String(error)
        reject(new SandboxError(clone ? SandboxErrorCode.INVALID_ARGUMENT : SandboxErrorCode.INTERNAL, clone ? `invalid argument: ${message}` : message))
      }
    })
  }

  /** Fails every pending and future call with `error` (the worker is gone). */
  close(error: SandboxError): void {
    this.#closed = error
    for (const p of this.#pending.values()) p.reject(error)
    this.#pending.clear()
  }

  #receive(msg: RpcMessage): void {
    if (msg.t === 'evt') {
      this.#onEvent(msg.name, msg.payload)
      return
    }
    if (msg.t !== 'res') return
    const p = this.#pending.get(msg.id)
    if (!p) return
    this.#pending.delete(msg.id)
    if (msg.ok) p.resolve(msg.value)
    else p.reject(SandboxError.fromJSON(msg.error))
  }
}
