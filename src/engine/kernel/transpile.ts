/**
 * TypeScript → JavaScript for the `node` runtime (`ts-node`, `tsx`, `.ts` modules): types,
 * interfaces, generics, `as`, enums and namespaces are compiled away without type-checking, as
 * Daytona's `ts-node -T` does. The transpiler is `@swc/wasm-typescript`, loaded on first use; the
 * guest reaches it through the `daylite.transpile` import (see runtimes/quickjs/daylite_node.c).
 */

type Swc = typeof import('@swc/wasm-typescript')

let swc: Promise<Swc> | undefined

/** Loads `@swc/wasm-typescript` once (a few MB of wasm; compiled on first use). */
export function loadTypeScript(): Promise<Swc> {
  swc ??= import('@swc/wasm-typescript').then((m) => ((m as { default?: Swc }).default ?? m) as Swc)
  swc.catch(() => {
    swc = undefined
  })
  return swc
}

/** The error swc throws for source it cannot parse. */
interface SwcError {
  code?: string
  message?: string
  snippet?: string
  filename?: string
  startLine?: number
  startColumn?: number
}

/** A TypeScript file that does not parse; `message` names the file, line and column. */
export class TypeScriptSyntaxError extends SyntaxError {
  readonly line: number | undefined
  readonly column: number | undefined
  constructor(message: string, line?: number, column?: number) {
    super(message)
    this.name = 'SyntaxError'
    this.line = line
    this.column = column
  }
}

function syntaxError(error: unknown, filename: string): Error {
  if (error !== null && typeof error === 'object' && 'message' in error) {
    const e = error as SwcError
    const line = typeof e.startLine === 'number' ? e.startLine : undefined
    const column = typeof e.startColumn === 'number' ? e.startColumn + 1 : undefined
    const where = line !== undefined ? `${filename}:${line}${column !== undefined ? `:${column}` : ''}` : filename
    const snippet = typeof e.snippet === 'string' && e.snippet !== '' ? `\n${e.snippet.replace(/\n$/, '')}` : ''
    return new TypeScriptSyntaxError(`${where}: ${String(e.message)}${snippet}`, line, column)
  }
  return new TypeScriptSyntaxError(`${filename}: ${String(error)}`)
}

/**
 * Transpiles with an already loaded swc (synchronous: for a host import the guest is blocked on).
 *
 * @throws {@link TypeScriptSyntaxError} on a syntax error
 */
export function transpileWith(ts: Swc, source: string, filename: string): string {
  try {
    return ts.transformSync(source, { mode: 'transform', filename }).code
  } catch (error) {
    throw syntaxError(error, filename)
  }
}

/**
 * TypeScript source → JavaScript (ES modules stay ES modules).
 *
 * @example
 * ```ts
 * await transpileTypeScript('const n: number = 6; console.log(n * 7)', 'main.ts') // 'const n = 6;\nconsole.log(n * 7);\n'
 * ```
 * @throws {@link TypeScriptSyntaxError} with the file, line and column when the source does not parse
 */
export async function transpileTypeScript(source: string, filename: string): Promise<string> {
  return transpileWith(await loadTypeScript(), source, filename)
}
