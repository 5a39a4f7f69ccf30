/**
 * daylite's own host functions (import module `daylite`), for runtimes built by our recipes:
 * `transpile` turns TypeScript into JavaScript on the host (the guest's QuickJS front-end calls
 * it for `.ts` modules). Programs that do not import them are unaffected.
 */
import { ENCODER, readString } from './context.js'
import type { SyscallContext } from './context.js'

/** The answer of a host transpile: the JavaScript, or a message saying why not. */
export type TranspileResult = { ok: true; code: string } | { ok: false; error: string }

/** Transpiles synchronously (from the guest's point of view). */
export type Transpile = (source: string, filename: string) => TranspileResult

/**
 * `daylite.transpile(src, srcLen, name, nameLen, out, outCap) -> i32`: r ≥ 0 is the JavaScript's
 * UTF-8 length, copied into `out` when r ≤ outCap (otherwise the guest calls again with r bytes);
 * r < 0 is an error whose message (-r bytes) is copied when it fits.
 */
export function dayliteImports(ctx: SyscallContext, transpile: Transpile | undefined) {
  let last: { key: string; bytes: Uint8Array; ok: boolean } | undefined
  return {
    transpile(src: number, srcLen: number, name: number, nameLen: number, out: number, outCap: number): number {
      const source = readString(ctx, src, srcLen)
      const filename = readString(ctx, name, nameLen)
      const key = `${filename}\0${source}`
      // The retry with a larger buffer asks again for the same file: answer from the last result.
      if (last?.key !== key) {
        const r: TranspileResult = transpile ? transpile(source, filename) : { ok: false, error: 'TypeScript is not available in this process' }
        last = { key, bytes: ENCODER.encode(r.ok ? r.code : r.error), ok: r.ok }
      }
      const { bytes, ok } = last
      if (bytes.byteLength <= outCap) new Uint8Array(ctx.memory(), out, bytes.byteLength).set(bytes)
      return ok ? bytes.byteLength : -bytes.byteLength
    },
  }
}
