/**
 * The process-worker protocol: the messages between a process host and its worker, and the
 * layout of the synchronous file-system channel (one SharedArrayBuffer per process worker).
 *
 * Channel: the worker writes a request (op, strings, numbers, bytes) into the buffer, sets
 * `STATE` to `REQUEST`, notifies, and blocks in `Atomics.wait`; the host (woken by
 * `Atomics.waitAsync`, or by a `wake` message where that is missing) applies the op to its VFS,
 * writes the result or a VFS error code back, sets `STATE` to `RESPONSE` and notifies. Payloads
 * larger than the data area are split into several requests by the worker.
 */

/** Int32 header slots. */
export const H = {
  /** {@link STATE}. */
  STATE: 0,
  /** The {@link OP}. */
  OP: 1,
  /** 0 ok; k > 0: the VFS error `VFS_CODES[k - 1]`; -1: host fault (message in the data area). */
  STATUS: 2,
  /** UTF-8 byte length of the first string (a path), at the start of the data area. */
  LEN1: 3,
  /** UTF-8 byte length of the second string, right after the first. */
  LEN2: 4,
  /** Byte length of the request's bytes (after the strings), or of the response's payload. */
  DATA: 5,
} as const

/** Values of `H.STATE`. */
export const STATE = { IDLE: 0, REQUEST: 1, RESPONSE: 2 } as const

/** Bytes of the Int32 header. */
export const HEADER_BYTES = 64
/** Float64 number slots (request arguments, result numbers such as stat fields). */
export const NUM_SLOTS = 16
/** Where the data area starts. */
export const DATA_OFFSET = HEADER_BYTES + NUM_SLOTS * 8
/** Default data-area size: large reads and writes go through in chunks of this. */
export const DEFAULT_DATA_BYTES = 1 << 20

/** Channel operations (one per SyncVfs method that crosses, plus stdin). */
export const OP = {
  STAT: 1,
  LSTAT: 2,
  EXISTS: 3,
  READ: 4,
  WRITE_FILE: 5,
  WRITE: 6,
  TRUNCATE: 7,
  MKDIR: 8,
  READDIR: 9,
  READDIR_TYPES: 10,
  RMDIR: 11,
  UNLINK: 12,
  RM: 13,
  RENAME: 14,
  COPY: 15,
  SYMLINK: 16,
  READLINK: 17,
  LINK: 18,
  CHMOD: 19,
  CHOWN: 20,
  UTIMES: 21,
  REALPATH: 22,
  USAGE: 23,
  /** stdin: up to n bytes; an empty payload is end of input. May wait for the host's source. */
  STDIN_READ: 24,
  /** Does nothing: for measuring the round trip. */
  PING: 25,
  /**
   * TypeScript → JavaScript by the host (path = file name, bytes = source). The answer's first
   * byte is 0 for JavaScript or 1 for an error message; the text follows. May wait for the host.
   */
  TRANSPILE: 26,
  /**
   * stdout (nums[0] = 1) or stderr (2) bytes into a pipe whose writes wait for its reader. Answers
   * nums[0] = 1 when the bytes were taken, 0 when the reader has gone (the guest's EPIPE). May wait.
   */
  OUTPUT_WRITE: 27,
} as const
export type Op = (typeof OP)[keyof typeof OP]

/** VFS error codes by index (status k means `VFS_CODES[k - 1]`). */
export const VFS_CODES = [
  'ENOENT',
  'EEXIST',
  'ENOTDIR',
  'EISDIR',
  'ENOTEMPTY',
  'ENOSPC',
  'EDQUOT',
  'EINVAL',
  'ELOOP',
  'EPERM',
  'EACCES',
  'EROFS',
  'EBUSY',
  'ENAMETOOLONG',
  'EXDEV',
] as const

/** Inode kinds as numbers in the number slots. */
export const KINDS = ['file', 'dir', 'symlink'] as const

/** How the worker wakes the host after writing a request. */
export const WAKE = { ATOMICS: 'atomics', MESSAGE: 'message' } as const
export type Wake = (typeof WAKE)[keyof typeof WAKE]

/** What every program message carries: the module (posted once per worker) and the channel. */
interface ProgramMessage {
  /** Identifies the module in the worker's cache. */
  moduleKey: string
  /** The module, when this worker has not been sent `moduleKey` yet. */
  module?: WebAssembly.Module
  args: string[]
  env: Record<string, string>
  cwd: string
  /** The channel buffer (shared). */
  channel: SharedArrayBuffer
  wake: Wake
}

/** Host → worker: initialise a snapshot module (`daylite_init`) and send back its memory image. */
export interface InitMessage extends ProgramMessage {
  type: 'init'
}

/**
 * Host → worker, while it is idle: make a standby instance of `moduleKey` with `image` in its
 * memory, so that the worker's first run of that image starts at `daylite_run` too.
 */
export interface PrepareMessage {
  type: 'prepare'
  moduleKey: string
  module?: WebAssembly.Module
  image: MemoryImage
}

/** Host → worker: run a program. */
export interface RunMessage extends ProgramMessage {
  type: 'run'
  tty: boolean
  /** Fixed stdin bytes, or `'channel'` to read stdin through the channel (blocking). */
  stdin: Uint8Array | 'channel'
  /**
   * The output fds written through the channel (`OP.OUTPUT_WRITE`, blocking while the pipe is
   * full) instead of posted as messages.
   */
  piped?: { stdout?: boolean; stderr?: boolean }
  /** Refuse to start when the module's initial memory is larger (bytes). */
  maxMemoryBytes?: number
  /**
   * `'start'`: a cold run (`_start`, or `_initialize` + `daylite_main`). `'snapshot'`: restore
   * `image` into a fresh instance and call `daylite_run`, or without an image initialise and run in
   * one instance.
   */
  entry: 'start' | 'snapshot'
  /** The memory image for `entry: 'snapshot'` (shared by every worker; read only). */
  image?: MemoryImage
}

/**
 * A snapshot module's memory after `daylite_init`: a memory of `size` bytes whose content differs
 * from a freshly instantiated one only in the 4 KiB pages listed in `pages`, found in `bytes`.
 */
export interface MemoryImage {
  /** Unique per image: a worker's standby instance is valid for the image with this id. */
  id: string
  /** The memory's bytes up to its last page that differs from a fresh instance (shared, read only). */
  bytes: SharedArrayBuffer
  /** The memory size to grow to, bytes. */
  size: number
  /** Indexes of the 4 KiB pages to write into a fresh instance (shared, read only). */
  pages: SharedArrayBuffer
}

/** The page size of {@link MemoryImage.pages}. */
export const IMAGE_PAGE = 4096

/** Worker → host messages. */
export type WorkerMessage =
  | { type: 'ready' }
  | { type: 'wake' }
  | { type: 'stdout'; bytes: Uint8Array }
  | { type: 'stderr'; bytes: Uint8Array }
  | { type: 'exit'; exitCode: number; trap?: string; memoryBytes: number }
  | { type: 'fault'; message: string }
  /** The answer to an {@link InitMessage}: the image, or null when `daylite_init` failed (exit code given). */
  | { type: 'image'; image: MemoryImage | null; exitCode: number; initMs: number }

type WaitAsyncResult = { async: false; value: 'not-equal' | 'timed-out' } | { async: true; value: Promise<'ok' | 'timed-out'> }

/** `Atomics.waitAsync` where the runtime has it (Node 16+, Chromium, Safari 16.4+), else undefined. */
export const waitAsync = (Atomics as unknown as { waitAsync?: (ta: Int32Array, index: number, value: number) => WaitAsyncResult }).waitAsync
