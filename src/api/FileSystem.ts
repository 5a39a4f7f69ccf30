/**
 * Daytona's `FileSystem` (`sandbox.fs`): files in and out of the sandbox, listing and search.
 * Relative paths resolve against the sandbox's work dir. No call touches the host's filesystem,
 * except the Node-only variants that take a local path on purpose.
 */
import type { Platform } from '../platform/types.js'
import { SandboxError, SandboxErrorCode } from '../engine/errors.js'
import type { SandboxBackend } from '../engine/backend.js'
import { DaytonaFileNotFoundError, daytonaCall, toDaytonaError } from './errors.js'
import type {
  DownloadStreamOptions,
  FileDownloadRequest,
  FileDownloadResponse,
  FileInfo,
  FilePermissionsParams,
  FileUpload,
  Match,
  ReplaceResult,
  SearchFilesResponse,
  UploadSource,
  UploadStreamOptions,
} from './types.js'

const HTTP_STATUS: Record<string, number> = {
  FILE_NOT_FOUND: 404,
  INVALID_FILE_PATH: 400,
  LIMIT_EXCEEDED: 400,
  FILE_OPERATION_FAILED: 400,
}

/** Reads and writes the sandbox's files. */
export class FileSystem {
  #host: SandboxBackend
  #platform: Platform

  /** @internal */
  constructor(host: SandboxBackend, platform: Platform) {
    this.#host = host
    this.#platform = platform
  }

  /**
   * Creates a directory and its parents.
   * @param mode - octal permissions, e.g. `'755'`
   * @example
   * ```ts
   * await sandbox.fs.createFolder('data/raw', '755')
   * ```
   */
  createFolder(path: string, mode: string): Promise<void> {
    return daytonaCall(() => this.#host.fs({ op: 'mkdir', path, mode }))
  }

  /** Deletes a file, an empty directory, or a directory tree with `recursive`. */
  deleteFile(path: string, recursive?: boolean): Promise<void> {
    return daytonaCall(() => this.#host.fs({ op: 'delete', path, recursive: recursive === true }))
  }

  /** Downloads a file into memory (a `Buffer` in Node; in browsers a `Uint8Array`). */
  downloadFile(remotePath: string, timeout?: number): Promise<Buffer>
  /** Downloads a file to a local path (Node). */
  downloadFile(remotePath: string, localPath: string, timeout?: number): Promise<void>
  downloadFile(remotePath: string, localPathOrTimeout?: string | number, _timeout?: number): Promise<Buffer | void> {
    return daytonaCall(async () => {
      const [item] = await this.#host.fs({ op: 'download', paths: [remotePath] })
      if (!item) throw new SandboxError(SandboxErrorCode.INTERNAL, 'no data received')
      if ('error' in item) {
        const e = toDaytonaError(new SandboxError(item.error.code as SandboxErrorCode, item.error.message, { path: remotePath }))
        throw e
      }
      if (typeof localPathOrTimeout === 'string') {
        await this.#platform.writeLocalFile(localPathOrTimeout, item.data)
        return
      }
      return this.#platform.toBuffer(item.data) as Buffer
    })
  }

  /**
   * Downloads a file as a stream (a Node `Readable`), with progress.
   * @example
   * ```ts
   * const stream = await sandbox.fs.downloadFileStream('big.bin', { onProgress: (p) => console.log(p.bytesReceived) })
   * ```
   */
  downloadFileStream(remotePath: string, timeout?: number): Promise<import('node:stream').Readable>
  downloadFileStream(remotePath: string, options?: DownloadStreamOptions): Promise<import('node:stream').Readable>
  downloadFileStream(remotePath: string, options?: number | DownloadStreamOptions): Promise<import('node:stream').Readable> {
    return daytonaCall(async () => {
      const opts = typeof options === 'object' && options !== null ? options : {}
      opts.signal?.throwIfAborted()
      const [item] = await this.#host.fs({ op: 'download', paths: [remotePath] })
      if (!item) throw new SandboxError(SandboxErrorCode.INTERNAL, 'no data received')
      if ('error' in item) throw toDaytonaError(new SandboxError(item.error.code as SandboxErrorCode, item.error.message, { path: remotePath }))
      const total = item.data.byteLength
      const onProgress = opts.onProgress
      return this.#platform.toReadable(item.data, onProgress ? (n) => onProgress({ bytesReceived: n, totalBytes: total }) : undefined, opts.signal) as import('node:stream').Readable
    })
  }

  /**
   * Downloads several files. A file that fails gets `error` and `errorDetails` instead of
   * failing the whole call.
   */
  downloadFiles(files: FileDownloadRequest[], _timeoutSec?: number): Promise<FileDownloadResponse[]> {
    return daytonaCall(async () => {
      if (!Array.isArray(files)) throw new SandboxError(SandboxErrorCode.INVALID_ARGUMENT, 'files must be an array')
      if (files.length === 0) return []
      const items = await this.#host.fs({ op: 'download', paths: files.map((f) => f?.source) })
      const out: FileDownloadResponse[] = []
      for (const [i, item] of items.entries()) {
        const req = files[i] as FileDownloadRequest
        if ('error' in item) {
          out.push({
            source: req.source,
            error: item.error.message,
            errorDetails: { message: item.error.message, statusCode: HTTP_STATUS[item.error.code] ?? 500, code: item.error.code, errorCode: item.error.code, source: 'DAYTONA_DAEMON' },
          })
        } else if (req.destination !== undefined) {
          await this.#platform.writeLocalFile(req.destination, item.data)
          out.push({ source: req.source, result: req.destination })
        } else {
          out.push({ source: req.source, result: this.#platform.toBuffer(item.data) as Buffer })
        }
      }
      return out
    })
  }

  /** Lines containing `pattern` (a plain substring) in the text files under `path`. */
  findFiles(path: string, pattern: string): Promise<Match[]> {
    return daytonaCall(() => this.#host.fs({ op: 'find', path, pattern }))
  }

  /** Metadata of a file or directory (symlinks followed). */
  getFileDetails(path: string): Promise<FileInfo> {
    return daytonaCall(() => this.#host.fs({ op: 'info', path }))
  }

  /**
   * The entries of a directory.
   * @param options - `depth` (≥ 1) lists subdirectories too, each entry with its `path`
   */
  listFiles(path: string, options?: { depth?: number }): Promise<FileInfo[]> {
    return daytonaCall(() => this.#host.fs({ op: 'list', path, depth: options?.depth }))
  }

  /** Moves or renames a file or directory. */
  moveFiles(source: string, destination: string): Promise<void> {
    return daytonaCall(() => this.#host.fs({ op: 'move', source, destination }))
  }

  /** Replaces every occurrence of `pattern` with `newValue` in each file; one result per file. */
  replaceInFiles(files: string[], pattern: string, newValue: string): Promise<ReplaceResult[]> {
    return daytonaCall(() => this.#host.fs({ op: 'replace', files, pattern, newValue }))
  }

  /** Files under `path` whose path relative to it matches a glob (`*.json`, `**\/*.ts`). */
  searchFiles(path: string, pattern: string): Promise<SearchFilesResponse> {
    return daytonaCall(() => this.#host.fs({ op: 'search', path, pattern }))
  }

  /** Sets the mode (octal string), owner and group of a file. */
  setFilePermissions(path: string, permissions: FilePermissionsParams): Promise<void> {
    return daytonaCall(() => {
      if (typeof permissions !== 'object' || permissions === null) throw new SandboxError(SandboxErrorCode.INVALID_ARGUMENT, 'permissions must be an object')
      return this.#host.fs({ op: 'permissions', path, mode: permissions.mode, owner: permissions.owner, group: permissions.group })
    })
  }

  /** Uploads bytes to a file (parents are created). */
  uploadFile(file: Uint8Array, remotePath: string, timeout?: number): Promise<void>
  /** Uploads a local file (Node). */
  uploadFile(localPath: string, remotePath: string, timeout?: number): Promise<void>
  uploadFile(file: Uint8Array | string, remotePath: string, _timeout?: number): Promise<void> {
    return this.uploadFiles([{ source: file, destination: remotePath }])
  }

  /**
   * Uploads several files in one call. Each `source` is bytes or (Node) a local path.
   * @example
   * ```ts
   * await sandbox.fs.uploadFiles([{ source: Buffer.from('a'), destination: 'a.txt' }, { source: './local.csv', destination: 'data/in.csv' }])
   * ```
   */
  uploadFiles(files: FileUpload[], _timeout?: number): Promise<void> {
    return daytonaCall(async () => {
      if (!Array.isArray(files)) throw new SandboxError(SandboxErrorCode.INVALID_ARGUMENT, 'files must be an array')
      const payload: { path: string; data: Uint8Array }[] = []
      for (const f of files) {
        if (typeof f !== 'object' || f === null) throw new SandboxError(SandboxErrorCode.INVALID_ARGUMENT, 'each file must be { source, destination }')
        payload.push({ path: f.destination, data: await this.#bytes(f.source) })
      }
      await this.#host.fs({ op: 'upload', files: payload })
    })
  }

  /** Uploads from a stream (Node `Readable`, web `ReadableStream`), bytes or a local path, with progress. */
  uploadFileStream(source: UploadSource | import('node:stream').Readable, remotePath: string, options?: UploadStreamOptions): Promise<void> {
    return daytonaCall(async () => {
      const onProgress = options?.onProgress
      let data: Uint8Array
      try {
        data = await this.#platform.collect(source, onProgress ? (n) => onProgress({ bytesSent: n }) : undefined, options?.signal)
      } catch (error) {
        if (error instanceof TypeError) throw new SandboxError(SandboxErrorCode.INVALID_ARGUMENT, error.message)
        if (typeof source === 'string' && !(error instanceof Error && error.name === 'AbortError')) {
          throw new DaytonaFileNotFoundError(`cannot read local file ${source}: ${error instanceof Error ? error.message : String(error)}`, 404, undefined, 'FILE_NOT_FOUND')
        }
        throw error
      }
      await this.#host.fs({ op: 'upload', files: [{ path: remotePath, data: copyOwned(data) }] })
    })
  }

  async #bytes(source: unknown): Promise<Uint8Array> {
    if (source instanceof Uint8Array) return copyOwned(source)
    if (typeof source === 'string') {
      try {
        return await this.#platform.readLocalFile(source)
      } catch (error) {
        throw new DaytonaFileNotFoundError(`cannot read local file ${source}: ${error instanceof Error ? error.message : String(error)}`, 404, undefined, 'FILE_NOT_FOUND')
      }
    }
    throw new SandboxError(SandboxErrorCode.INVALID_ARGUMENT, 'file source must be bytes (Buffer/Uint8Array) or a local path')
  }
}

/** A copy in a buffer of its own, so it can be transferred without detaching the caller's memory. */
function copyOwned(bytes: Uint8Array): Uint8Array {
  // Not `bytes.slice()`: on a Node Buffer that is a view, and transferring it would detach the caller's Buffer.
  return Uint8Array.prototype.slice.call(bytes)
}
