/**
 * The native backend of `daylite serve --backend native`: sandboxes as directories of this
 * machine, commands as real host processes. NOT isolated (see {@link NATIVE_WARNING}); it stands
 * in for a remote Daytona in tests of the remote fallback. See `docs/decisions/0006-remote.md`.
 */
export { NATIVE_WARNING, NativeRegistry, type NativeOptions } from './registry.js'
export { NativeSandbox } from './sandbox.js'
