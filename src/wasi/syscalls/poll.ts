/**
 * `poll_oneoff` with any number of subscriptions. Clock subscriptions block the thread for real
 * ({@link blockFor}) until the earliest deadline; fd subscriptions are reported ready at once
 * (a read that follows may then block, as on a pipe whose writer is slow).
 */
import { wasi } from '@bjorn3/browser_wasi_shim'
import { blockFor } from '../sleep.js'
import { blocking, type SyscallContext } from './context.js'

const SUBSCRIPTION_SIZE = 48
const EVENT_SIZE = 32

/** Now on a WASI clock, in nanoseconds (the shim's `clock_time_get` uses the same sources). */
export function clockNow(clockId: number): bigint | undefined {
  if (clockId === wasi.CLOCKID_REALTIME) return BigInt(Date.now()) * 1_000_000n
  if (clockId === wasi.CLOCKID_MONOTONIC) return BigInt(Math.round(performance.now() * 1e6))
  return undefined
}

interface Sub {
  userdata: bigint
  type: number
  /** Absolute deadline on `clockId`, for clock subscriptions. */
  deadline: bigint
  clockId: number
}

/** poll_oneoff. */
export function pollSyscalls(ctx: SyscallContext) {
  return {
    poll_oneoff(inPtr: number, outPtr: number, nsubscriptions: number, neventsPtr: number): number {
      if (nsubscriptions === 0) return wasi.ERRNO_INVAL
      let view = new DataView(ctx.memory())
      const subs: Sub[] = []
      for (let i = 0; i < nsubscriptions; i++) {
        const p = inPtr + i * SUBSCRIPTION_SIZE
        const userdata = view.getBigUint64(p, true)
        const type = view.getUint8(p + 8)
        if (type === wasi.EVENTTYPE_CLOCK) {
          const clockId = view.getUint32(p + 16, true)
          const timeout = view.getBigUint64(p + 24, true)
          const flags = view.getUint16(p + 40, true)
          const now = clockNow(clockId)
          if (now === undefined) return wasi.ERRNO_INVAL
          subs.push({ userdata, type, clockId, deadline: flags & wasi.SUBCLOCKFLAGS_SUBSCRIPTION_CLOCK_ABSTIME ? timeout : now + timeout })
        } else {
          subs.push({ userdata, type, clockId: -1, deadline: 0n })
        }
      }
      const ready: Sub[] = subs.filter((s) => s.type !== wasi.EVENTTYPE_CLOCK)
      if (ready.length === 0) {
        // Sleep until the earliest clock deadline, then report every expired clock.
        let waitMs = Infinity
        for (const s of subs) {
          const left = Number(s.deadline - (clockNow(s.clockId) ?? 0n)) / 1e6
          waitMs = Math.min(waitMs, left)
        }
        blocking(ctx, () => blockFor(waitMs))
        for (const s of subs) {
          if ((clockNow(s.clockId) ?? 0n) >= s.deadline) ready.push(s)
        }
        // A clock that is a hair early (rounding) still counts as the one we waited for.
        if (ready.length === 0) ready.push(subs.reduce((a, b) => (a.deadline <= b.deadline ? a : b)))
      }
      view = new DataView(ctx.memory())
      ready.forEach((s, i) => {
        const p = outPtr + i * EVENT_SIZE
        view.setBigUint64(p, s.userdata, true)
        view.setUint16(p + 8, wasi.ERRNO_SUCCESS, true)
        view.setUint8(p + 10, s.type)
        view.setBigUint64(p + 16, s.type === wasi.EVENTTYPE_CLOCK ? 0n : 1n, true)
        view.setUint16(p + 24, 0, true)
      })
      view.setUint32(neventsPtr, ready.length, true)
      return wasi.ERRNO_SUCCESS
    },
  }
}
