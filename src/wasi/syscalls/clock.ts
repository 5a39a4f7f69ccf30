/**
 * clock_time_get with nanosecond monotonic time. The CPU-time clocks (`clock()`,
 * `time.process_time()`; the shim writes 0 for them, which makes them stand still) count the
 * process's time since it was made minus the time it spent blocked (sleeping, waiting for input
 * or for a pipe): a thread cannot read its own CPU time here, and a wasm guest runs whenever it is
 * not blocked, so this is its CPU time up to the host's scheduling.
 */
import { wasi } from '@bjorn3/browser_wasi_shim'
import { clockNow } from './poll.js'
import type { SyscallContext } from './context.js'

/** clock_time_get. */
export function clockSyscalls(ctx: SyscallContext) {
  return {
    clock_time_get(id: number, _precision: bigint, ptr: number): number {
      const cpu = id === wasi.CLOCKID_PROCESS_CPUTIME_ID || id === wasi.CLOCKID_THREAD_CPUTIME_ID
      const now = cpu ? BigInt(Math.max(0, Math.round((performance.now() - ctx.startedAt - ctx.blockedMs) * 1e6))) : clockNow(id)
      if (now === undefined) return wasi.ERRNO_INVAL
      new DataView(ctx.memory()).setBigUint64(ptr, now, true)
      return wasi.ERRNO_SUCCESS
    },
  }
}
