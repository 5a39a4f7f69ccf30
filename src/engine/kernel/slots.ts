/**
 * A counting semaphore: at most `limit` holders at once, the rest wait in order. The kernel uses
 * one per sandbox for its running processes (Daytona's `cpu` = concurrent process workers), so a
 * sandbox that starts fifty busy programs runs `cpu` of them at a time and leaves the host's cores
 * to other sandboxes.
 */
export class Slots {
  #limit: number
  #held = 0
  readonly #waiting: (() => void)[] = []

  /** @param limit - holders at once (at least 1) */
  constructor(limit: number) {
    this.#limit = Math.max(1, Math.floor(limit))
  }

  /** Holders now. */
  get held(): number {
    return this.#held
  }

  /** Callers waiting for a slot. */
  get waiting(): number {
    return this.#waiting.length
  }

  /** Changes the limit (resize); waiters start if the new limit allows. */
  setLimit(limit: number): void {
    this.#limit = Math.max(1, Math.floor(limit))
    this.#drain()
  }

  /**
   * Waits for a slot and returns its release function (idempotent).
   * @throws the signal's reason when it aborts while waiting
   */
  async acquire(signal?: AbortSignal): Promise<() => void> {
    signal?.throwIfAborted()
    if (this.#held >= this.#limit || this.#waiting.length > 0) {
      await new Promise<void>((resolve, reject) => {
        const start = (): void => {
          signal?.removeEventListener('abort', abort)
          resolve()
        }
        const abort = (): void => {
          const i = this.#waiting.indexOf(start)
          if (i >= 0) this.#waiting.splice(i, 1)
          reject(signal?.reason instanceof Error ? signal.reason : new Error('aborted'))
        }
        signal?.addEventListener('abort', abort, { once: true })
        this.#waiting.push(start)
      })
    } else {
      this.#held++
    }
    let released = false
    return () => {
      if (released) return
      released = true
      this.#held--
      this.#drain()
    }
  }

  #drain(): void {
    while (this.#held < this.#limit && this.#waiting.length > 0) {
      this.#held++
      this.#waiting.shift()?.()
    }
  }
}
