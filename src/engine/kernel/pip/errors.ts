/**
 * The errors `pip` raises. A pip failure is the guest's failure (data, not a host fault): the
 * command prints it as pip would (`ERROR: …`) and exits non-zero, so callers never see these
 * classes; they exist so that every layer of pip can say precisely what went wrong.
 */

/** What went wrong, as a stable code. */
export const PipErrorCode = {
  /** A command-line usage error (unknown option, missing argument). */
  USAGE: 'USAGE',
  /** A requirement, specifier, marker or requirements file that does not parse. */
  INVALID_REQUIREMENT: 'INVALID_REQUIREMENT',
  /** No version of the project matches the requirement (or the index has no such project). */
  NO_MATCHING_DISTRIBUTION: 'NO_MATCHING_DISTRIBUTION',
  /** Only platform-specific (native) wheels exist for the project. */
  NATIVE_ONLY: 'NATIVE_ONLY',
  /** Only a source distribution exists for the project. */
  SDIST_ONLY: 'SDIST_ONLY',
  /** Two requirements need versions of a project that no single version satisfies. */
  CONFLICT: 'CONFLICT',
  /** A download's hash differs from the one the index or the requirements file gives. */
  HASH_MISMATCH: 'HASH_MISMATCH',
  /** The sandbox's network settings refuse the host. */
  NETWORK_BLOCKED: 'NETWORK_BLOCKED',
  /** The host could not be reached. */
  NETWORK: 'NETWORK',
  /** The server answered with an HTTP error. */
  HTTP: 'HTTP',
  /** A wheel that is not a valid zip, or whose contents contradict its RECORD. */
  BAD_WHEEL: 'BAD_WHEEL',
  /** A local project pip cannot install (no pyproject.toml, a native extension, a bad TOML file). */
  BAD_PROJECT: 'BAD_PROJECT',
  /** Something daylite's pip does not do (e.g. `--find-links`). */
  UNSUPPORTED: 'UNSUPPORTED',
  /** A filesystem error while installing or uninstalling (disk full…). */
  OS: 'OS',
} as const
/** One of {@link PipErrorCode}. */
export type PipErrorCode = (typeof PipErrorCode)[keyof typeof PipErrorCode]

/**
 * An error of the `pip` command.
 *
 * @example
 * ```ts
 * throw new PipError(PipErrorCode.HASH_MISMATCH, 'Hash mismatch for a-1.0-py3-none-any.whl', { expected, got })
 * ```
 */
export class PipError extends Error {
  override readonly name = 'PipError'
  /** What went wrong. */
  readonly code: PipErrorCode
  /** Structured details (a URL, a status, a project name…). */
  readonly data: Record<string, unknown>

  /**
   * @param code - what went wrong
   * @param message - the text pip prints after `ERROR: `
   * @param data - structured details
   */
  constructor(code: PipErrorCode, message: string, data: Record<string, unknown> = {}) {
    super(message)
    this.code = code
    this.data = data
  }
}
