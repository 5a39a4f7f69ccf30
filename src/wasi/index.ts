/**
 * `src/wasi`: WASI preview1 over the sandbox VFS, on browser_wasi_shim's Fd classes.
 */
export { createWasi, runWasi, isSnapshotModule, restoreMemory } from './wasi.js'
export type { Transpile, TranspileResult } from './syscalls/daylite.js'
export type { RunWasiOptions, WasiOptions, WasiProgram, WasiResult } from './wasi.js'
export { VfsDirectory, joinPath } from './fds/directory.js'
export type { ProcessFiles } from './fds/directory.js'
export { VfsFile } from './fds/file.js'
export type { FileMode } from './fds/file.js'
export { InputFd, OutputFd, bytesSource } from './fds/stdio.js'
export type { ByteSource } from './fds/stdio.js'
export { WASI_ERRNO, errnoFor } from './errno.js'
export { blockFor } from './sleep.js'
export { findCwdPointer } from './cwd.js'
export { capMemory, memoryMaximum } from './memory-cap.js'
export { OpenFiles, ORPHAN_DIR, isOrphanPath, removeOrphanDirs } from './open-files.js'
export type { OpenFile, OpenDir } from './open-files.js'
export { DEVICES, deviceName } from './fds/device.js'
