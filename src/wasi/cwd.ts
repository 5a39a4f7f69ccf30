/**
 * The working directory of a wasi-libc program.
 *
 * wasi-libc (bookworm's 2022-05-10 build, like upstream since 2021) emulates the cwd inside the
 * guest: `chdir()` stores a string in the global `__wasilibc_cwd` (initially the constant "/"),
 * relative paths are joined to it, and the absolute result is matched, longest prefix first,
 * against the preopened directories. `PWD` is not read. So the host cannot start a program in
 * another directory through preopens (relative and absolute paths reach the host identically);
 * it sets `__wasilibc_cwd` instead, before `main` runs:
 *
 * - {@link findCwdPointer} finds the variable: the one aligned word of the initial memory that
 *   points at a "/" string (cached per module; a module where this is not unique keeps "/");
 * - the `args_*` syscalls reserve room after argv's strings (a buffer the guest mallocs and
 *   keeps for the whole run) for the cwd string, and point `__wasilibc_cwd` at it.
 *
 * `chdir`, `getcwd` and relative paths then behave, with the guest's own emulation.
 */

const cache = new WeakMap<WebAssembly.Module, number | null>()

/** Where `__wasilibc_cwd` lives in `module`'s memory, or `null` when it cannot be told. */
export function findCwdPointer(module: WebAssembly.Module, initialMemory: ArrayBuffer): number | null {
  const known = cache.get(module)
  if (known !== undefined) return known
  const bytes = new Uint8Array(initialMemory)
  const words = new Uint32Array(initialMemory, 0, initialMemory.byteLength >>> 2)
  let found: number | null = null
  let count = 0
  for (let i = 0; i < words.length; i++) {
    const p = words[i] as number
    if (p === 0 || p + 1 >= bytes.length) continue
    if (bytes[p] === 0x2f && bytes[p + 1] === 0) {
      found = i * 4
      if (++count > 1) break
    }
  }
  const result = count === 1 ? found : null
  cache.set(module, result)
  return result
}
