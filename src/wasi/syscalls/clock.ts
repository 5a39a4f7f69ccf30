/**
 * clock_time_get with nanosecond monotonic time and the CPU-time clocks answered from the
 * monotonic clock (the shim writes 0 for them, which makes `clock()` and `time.process_time()`
 * stand still).
 */
import { wasi } from '@bjorn3/browser_wasi_shim'
import { clockNow } from './poll.js'
import type { SyscallContext } from './context.js'

/** clock_time_get. */
export function clockSyscalls(ctx: SyscallContext) {
  return {
    clock_time_get(id: number, _precision: bigint, ptr: number): number {
      const now = clockNow(id === wasi.CLOCKID_PROCESS_CPUTIME_ID || id === wasi.CLOCKID_THREAD_CPUTIME_ID ? wasi.CLOCKID_MONOTONIC : id)
      if (now === undefined) return wasi.ERRNO_INVAL
      new DataView(ctx.memory()).setBigUint64(ptr, now, true)
      return wasi.ERRNO_SUCCESS
    },
  }
}
