/**
 * Daytona's declarative image builder: it only writes Dockerfile text. The in-process engine
 * applies `ENV`, `WORKDIR` and `RUN` steps with its shell and records `FROM`.
 */

/** Options of `pipInstall`. */
export interface PipInstallOptions {
  findLinks?: string[]
  indexUrl?: string
  extraIndexUrls?: string[]
  pre?: boolean
  extraOptions?: string
}

function quote(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`
}

/**
 * A Dockerfile under construction. Every method returns a new `Image`.
 * @example
 * ```ts
 * const image = Image.base('python:3.13-slim').env({ A: '1' }).workdir('/app').runCommands('echo hi > hi.txt')
 * const sandbox = await daytona.create({ image })
 * ```
 */
export class Image {
  #dockerfile: string

  private constructor(dockerfile: string) {
    this.#dockerfile = dockerfile
  }

  /** The Dockerfile text. */
  get dockerfile(): string {
    return this.#dockerfile
  }

  /** Files to send as build context (none: local context is not supported in-process). */
  get contextList(): { sourcePath: string; archivePath: string }[] {
    return []
  }

  #add(line: string): Image {
    return new Image(`${this.#dockerfile}${line}\n`)
  }

  /** Starts from a registry image (`FROM image`). */
  static base(image: string): Image {
    return new Image(`FROM ${image}\n`)
  }

  /** Starts from Debian slim with Python (`FROM python:<version>-slim-bookworm`). */
  static debianSlim(pythonVersion: '3.9' | '3.10' | '3.11' | '3.12' | '3.13' = '3.13'): Image {
    return new Image(`FROM python:${pythonVersion}-slim-bookworm\n`)
  }

  /** Adds `RUN python -m pip install …`. */
  pipInstall(packages: string | string[], options: PipInstallOptions = {}): Image {
    const list = Array.isArray(packages) ? packages : [packages]
    const flags: string[] = []
    for (const l of options.findLinks ?? []) flags.push('--find-links', quote(l))
    if (options.indexUrl) flags.push('--index-url', quote(options.indexUrl))
    for (const u of options.extraIndexUrls ?? []) flags.push('--extra-index-url', quote(u))
    if (options.pre) flags.push('--pre')
    if (options.extraOptions) flags.push(options.extraOptions)
    return this.#add(`RUN python -m pip install ${[...list.map(quote), ...flags].join(' ')}`)
  }

  /** Adds `RUN` lines (a string runs in the shell; an array is an exec form). */
  runCommands(...commands: (string | string[])[]): Image {
    let image: Image = this
    for (const c of commands) image = image.#add(Array.isArray(c) ? `RUN ${JSON.stringify(c)}` : `RUN ${c}`)
    return image
  }

  /** Adds `ENV` lines. */
  env(envVars: Record<string, string>): Image {
    let image: Image = this
    for (const [k, v] of Object.entries(envVars)) image = image.#add(`ENV ${k}=${JSON.stringify(v)}`)
    return image
  }

  /** Adds `WORKDIR`. */
  workdir(dirPath: string): Image {
    return this.#add(`WORKDIR ${dirPath}`)
  }

  /** Adds `ENTRYPOINT`. */
  entrypoint(entrypointCommands: string[]): Image {
    return this.#add(`ENTRYPOINT ${JSON.stringify(entrypointCommands)}`)
  }

  /** Adds `CMD`. */
  cmd(cmd: string[]): Image {
    return this.#add(`CMD ${JSON.stringify(cmd)}`)
  }

  /** Appends raw Dockerfile lines. */
  dockerfileCommands(dockerfileCommands: string[]): Image {
    let image: Image = this
    for (const c of dockerfileCommands) image = image.#add(c)
    return image
  }
}
