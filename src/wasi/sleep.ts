/**
 * A real blocking sleep: `Atomics.wait` on a private SharedArrayBuffer that nobody notifies, so
 * the thread is parked by the OS instead of spinning (the shim's `poll_oneoff` busy-waits).
 * Where a thread may not block (a browser's main thread), it falls back to spinning.
 */

let cell: Int32Array | undefined

/** Blocks the calling thread for `ms` milliseconds. */
export function blockFor(ms: number): void {
  if (!(ms > 0)) return
  try {
    cell ??= new Int32Array(new SharedArrayBuffer(4))
    Atomics.wait(cell, 0, 0, ms)
  } catch {
    // No SharedArrayBuffer (no cross-origin isolation) or a thread that may not block.
    const end = performance.now() + ms
    while (performance.now() < end) {
      // spin
    }
  }
}
