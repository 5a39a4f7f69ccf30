/**
 * AST rewrites applied to the top-level script before just-bash runs it (through its public
 * transform-plugin hook). They give us three things just-bash has no hook for:
 *
 * 1. **Streaming and interleaving.** Every simple command whose output would reach the exec's
 *    stdout/stderr unchanged ("transparent": not inside `$(…)`, not a non-last pipeline stage, not
 *    inside a compound command whose stdout/stderr is redirected, not a function body) gets
 *    `>>SINK_OUT 2>>SINK_ERR` *prepended* to its redirections. The sinks are device paths of our fs
 *    adapter, so the command's output reaches the caller the moment the command finishes, in
 *    order, instead of when the whole script ends. Because the sink redirections come first, the
 *    command's own redirections (`>&2`, `2>&1`, `> file`) still win, with bash's semantics.
 *    Each top-level statement is also wrapped as `{ stmt; } >>SINK_OUT 2>>SINK_ERR` so that
 *    anything not covered above (errors raised by the shell itself, output of function calls)
 *    is flushed at the end of its statement.
 * 2. **Executable dispatch.** A command named by a literal path (`./x.py`, `/opt/tool`) becomes
 *    `__daylite_run <path> args…`, which looks at the file (shebang, `\0asm`, daylite stub).
 * 3. **Session capture before `exit`.** A top-level `exit` (not in a subshell, function or pipeline)
 *    becomes `{ <capture>; exit …; }` so a session keeps the state of a command that exits.
 * 4. **Concurrent pipeline stages.** In `a | b` where `a` is a command that can run in the
 *    background (a WASI program) and `b` one that can read a live pipe (a program, `head` or
 *    `grep`), `a` gets a {@link PIPE_OUT_ARG} and `b` a {@link PIPE_IN_ARG} naming the same pipe
 *    (`head` and `grep` become their streaming versions, {@link STREAM_FILTERS}): `a` starts and
 *    detaches, and `b` reads its output while it runs, so `python3 gen.py | head -3` ends when head
 *    has its lines (see pipe.ts).
 */
import type { CommandNode, PipelineNode, ScriptNode, SimpleCommandNode, StatementNode, WordNode } from 'just-bash'
import { serialize } from 'just-bash'

type Redirection = SimpleCommandNode['redirections'][number]

/** The name of the dispatch command inserted for literal-path commands. */
export const RUN_COMMAND = '__daylite_run'

/**
 * First argument inserted before the arguments of a streaming command whose stdout/stderr reach
 * the exec's output unchanged: `STREAM_ARG` + `1|0` (stdout) + `1|0` (stderr). A shell word cannot
 * hold NUL, so no user argument looks like it; the shell strips it before the command runs.
 */
export const STREAM_ARG = '\0daylite-stream:'

/**
 * First argument of a pipeline stage whose stdout feeds a live pipe: `PIPE_OUT_ARG` + `ID:MODE`,
 * MODE saying where the stage's stderr goes while it runs detached: `p` into the pipe too (`|&`,
 * `2>&1`), `n` nowhere (`2>/dev/null`), `d` with the pipeline's (the last linked stage returns it).
 */
export const PIPE_OUT_ARG = '\0daylite-pipe-out:'

/**
 * First argument of a pipeline stage that reads the live pipe `ID`: `PIPE_IN_ARG` + `ID:WHOLE`,
 * WHOLE `1` when this is the last stage and every stage before it is linked (its result then
 * carries the whole pipeline's PIPESTATUS).
 */
export const PIPE_IN_ARG = '\0daylite-pipe-in:'

/** What `read` reading the exec's live stdin is renamed to (commands/read-live.ts). */
export const READ_COMMAND = '__daylite_read'

/** The pipe id of {@link PIPE_IN_ARG} that names the exec's own live stdin (see `ShellExecOptions.stdinPipe`). */
export const EXEC_STDIN = 'stdin'

/** What `head` reading a live pipe is renamed to (a streaming head; see commands/head-stream.ts). */
export const HEAD_COMMAND = '__daylite_head'

/** What `grep` reading a live pipe is renamed to (grep run on lines as they come; commands/grep-stream.ts). */
export const GREP_COMMAND = '__daylite_grep'

/** The shell commands that have a streaming version for a live pipe, by name. */
export const STREAM_FILTERS: Readonly<Record<string, string>> = { head: HEAD_COMMAND, grep: GREP_COMMAND }

/** Which commands take part in concurrent pipelines (see {@link TransformOptions.pipes}). */
export interface PipeRoles {
  /** The command can run detached, writing into a live pipe (and read one). */
  detaches(name: string): boolean
}

/** What {@link transformScript} does. */
export interface TransformOptions {
  /** Sink paths for streaming; streaming is off when absent. */
  sinkOut?: string | undefined
  sinkErr?: string | undefined
  /** Whether a literal path names a command just-bash resolves itself (`/usr/bin/<registered>`). */
  isDirectPath?: ((path: string) => boolean) | undefined
  /** The PATH file a bare command name runs when bash cannot run it itself (see rewriteDispatch). */
  resolveBare?: ((name: string) => string | null) | undefined
  /** Statements inserted before the script. */
  prologue?: StatementNode[] | undefined
  /** Name of the command recording function definitions (`name base64(source)`); off when absent. */
  functionMarker?: string | undefined
  /** Builds the statements run before a top-level `exit` and at the end of the script. */
  epilogue?: (() => StatementNode[]) | undefined
  /** Commands that write their output while they run (see {@link STREAM_ARG}); none when absent. */
  streams?: ((name: string) => boolean) | undefined
  /** Commands that run as concurrent pipeline stages (see {@link PIPE_OUT_ARG}); none when absent. */
  pipes?: PipeRoles | undefined
  /** The exec has a live stdin: the programs that read it get {@link EXEC_STDIN}'s marker. */
  execStdin?: boolean | undefined
}

function word(value: string): WordNode {
  return { type: 'Word', parts: [{ type: 'Literal', value }] }
}

function appendRedirect(fd: number | null, path: string): Redirection {
  return { type: 'Redirection', fd, operator: '>>', target: word(path) }
}

function statementOf(command: CommandNode): StatementNode {
  const pipeline: PipelineNode = { type: 'Pipeline', commands: [command], negated: false }
  return { type: 'Statement', pipelines: [pipeline], operators: [], background: false }
}

/** The text of a word when it is entirely literal (no expansion), else `null`. */
export function literalWord(w: WordNode | null): string | null {
  if (!w) return null
  let out = ''
  for (const p of w.parts) {
    if (p.type === 'Literal' || p.type === 'SingleQuoted' || p.type === 'Escaped') out += p.value
    else if (p.type === 'DoubleQuoted') {
      for (const q of p.parts) {
        if (q.type === 'Literal' || q.type === 'Escaped') out += q.value
        else return null
      }
    } else return null
  }
  return out
}

/** Which standard output streams are still transparent. */
interface Flow {
  out: boolean
  err: boolean
}

/** The output fds (1, 2) a redirection list takes over. */
function redirectedFds(redirs: readonly Redirection[]): { out: boolean; err: boolean } {
  let out = false
  let err = false
  for (const r of redirs) {
    switch (r.operator) {
      case '>':
      case '>>':
      case '>|':
      case '>&': {
        const fd = r.fd ?? 1
        if (fd === 1) out = true
        if (fd === 2) err = true
        if (r.operator === '>&' && r.fd === null && literalWord(r.target.type === 'Word' ? r.target : null) === null) {
          err = true
        }
        break
      }
      case '&>':
      case '&>>':
        out = true
        err = true
        break
      case '<>':
        if (r.fd === 1) out = true
        if (r.fd === 2) err = true
        break
      default:
        break
    }
  }
  return { out, err }
}

/** Simple commands that never get sink redirections. */
const NO_SINK = new Set(['exec', 'exit', 'return', 'break', 'continue'])

/** True if the script changes fd 1 or 2 for the rest of the shell (`exec >file`); streaming is then off. */
function hasPersistentOutputRedirect(node: unknown): boolean {
  let found = false
  walk(node, (n) => {
    if (n.type === 'SimpleCommand') {
      const c = n as unknown as SimpleCommandNode
      if (literalWord(c.name) === 'exec' && c.args.length === 0) {
        const r = redirectedFds(c.redirections)
        if (r.out || r.err) found = true
      }
    }
  })
  return found
}

function walk(node: unknown, visit: (n: { type: string }) => void): void {
  if (Array.isArray(node)) {
    for (const x of node) walk(x, visit)
    return
  }
  if (typeof node !== 'object' || node === null) return
  const rec = node as Record<string, unknown>
  if (typeof rec.type === 'string') visit(rec as { type: string })
  for (const key of Object.keys(rec)) {
    const v = rec[key]
    if (typeof v === 'object' && v !== null) walk(v, visit)
  }
}

/**
 * Rewrites literal-path command names to the dispatch command, everywhere in the tree; and bare
 * names that `resolveBare` finds in PATH as a file bash cannot run itself (a `#!/usr/bin/env
 * python3` script, a wasm binary) to the dispatch command with that file's path.
 */
function rewriteDispatch(node: unknown, isDirectPath: ((path: string) => boolean) | undefined, resolveBare?: (name: string) => string | null): void {
  const defined = new Set<string>()
  if (resolveBare) {
    walk(node, (n) => {
      if (n.type === 'FunctionDef') defined.add((n as unknown as { name: string }).name)
    })
  }
  walk(node, (n) => {
    if (n.type !== 'SimpleCommand') return
    const c = n as unknown as SimpleCommandNode
    const name = literalWord(c.name)
    if (name === null || c.name === null) return
    if (!name.includes('/')) {
      const path = resolveBare && !defined.has(name) ? resolveBare(name) : null
      if (path === null) return
      c.args = [word(path), ...c.args]
      c.name = word(RUN_COMMAND)
      return
    }
    if (!isDirectPath || isDirectPath(name)) return
    c.args = [c.name, ...c.args]
    c.name = word(RUN_COMMAND)
  })
}

/** Gives a streaming command its {@link STREAM_ARG} for the streams that reach the exec's output. */
function markStreaming(c: SimpleCommandNode, flow: Flow, streams: ((name: string) => boolean) | undefined): void {
  const name = literalWord(c.name)
  if (!streams || name === null || !streams(name)) return
  const own = redirectedFds(c.redirections)
  const out = flow.out && !own.out
  const err = flow.err && !own.err
  if (out || err) c.args = [word(`${STREAM_ARG}${out ? 1 : 0}${err ? 1 : 0}`), ...c.args]
}

/** `streams` minus the names the script defines as functions (a function gets no marker). */
function withoutFunctions(streams: ((name: string) => boolean) | undefined, ast: ScriptNode): ((name: string) => boolean) | undefined {
  if (!streams) return undefined
  const defined = new Set<string>()
  walk(ast, (n) => {
    if (n.type === 'FunctionDef') defined.add((n as unknown as { name: string }).name)
  })
  return defined.size === 0 ? streams : (name) => !defined.has(name) && streams(name)
}

/** Marks a top-level statement that is one simple command (its output is transparent). */
export function markStreamingStatement(s: StatementNode, streams: ((name: string) => boolean) | undefined): void {
  const c = s.pipelines[0]?.commands[0]
  if (streams && isSimpleStatement(s) && c?.type === 'SimpleCommand') markStreaming(c, { out: true, err: true }, streams)
}

class Streamer {
  readonly #out: string
  readonly #err: string
  readonly #streams: ((name: string) => boolean) | undefined
  constructor(out: string, err: string, streams?: (name: string) => boolean) {
    this.#out = out
    this.#err = err
    this.#streams = streams
  }

  statements(list: StatementNode[], flow: Flow): void {
    for (const s of list) this.statement(s, flow)
  }

  statement(s: StatementNode, flow: Flow): void {
    for (const p of s.pipelines) this.pipeline(p, flow)
  }

  pipeline(p: PipelineNode, flow: Flow): void {
    const n = p.commands.length
    p.commands.forEach((c, i) => {
      if (i === n - 1) this.command(c, flow)
      else this.command(c, { out: false, err: flow.err && p.pipeStderr?.[i] !== true })
    })
  }

  command(c: CommandNode, flow: Flow): void {
    if (!flow.out && !flow.err) return
    switch (c.type) {
      case 'SimpleCommand': {
        const name = literalWord(c.name)
        if (c.name === null || (name !== null && NO_SINK.has(name))) return
        markStreaming(c, flow, this.#streams)
        const add: Redirection[] = []
        if (flow.out) add.push(appendRedirect(null, this.#out))
        if (flow.err) add.push(appendRedirect(2, this.#err))
        c.redirections = [...add, ...c.redirections]
        return
      }
      case 'FunctionDef':
      case 'ArithmeticCommand':
      case 'ConditionalCommand':
        return
      default:
        break
    }
    const r = redirectedFds(c.redirections)
    const inner: Flow = { out: flow.out && !r.out, err: flow.err && !r.err }
    switch (c.type) {
      case 'If':
        for (const cl of c.clauses) {
          this.statements(cl.condition, inner)
          this.statements(cl.body, inner)
        }
        if (c.elseBody) this.statements(c.elseBody, inner)
        return
      case 'For':
      case 'CStyleFor':
        this.statements(c.body, inner)
        return
      case 'While':
      case 'Until':
        this.statements(c.condition, inner)
        this.statements(c.body, inner)
        return
      case 'Case':
        for (const item of c.items) this.statements(item.body, inner)
        return
      case 'Subshell':
      case 'Group':
        this.statements(c.body, inner)
        return
      default:
        return
    }
  }

  /** `{ stmt; } >>out 2>>err` so shell-raised output is flushed per top-level statement. */
  wrap(s: StatementNode): StatementNode {
    if (!isWrapped(s)) return s
    const group: CommandNode = {
      type: 'Group',
      body: [s],
      redirections: [appendRedirect(null, this.#out), appendRedirect(2, this.#err)],
    }
    const w = statementOf(group)
    if (s.sourceText !== undefined) {
      w.sourceText = s.sourceText
      s.sourceText = undefined
    }
    if (s.line !== undefined) w.line = s.line
    return w
  }
}

/** Whether {@link Streamer.wrap} wraps a top-level statement. */
function isWrapped(s: StatementNode): boolean {
  return !s.deferredError && !s.background
}

/** One pipeline of one simple command (`cmd args…`, not `a | b`, `a && b`, a compound command). */
function isSimpleStatement(s: StatementNode): boolean {
  const p = s.pipelines.length === 1 ? s.pipelines[0] : undefined
  return p !== undefined && p.commands.length === 1 && p.commands[0]?.type === 'SimpleCommand'
}

/** Replaces top-level `exit` commands with `{ <epilogue>; exit …; }`. */
function rewriteExit(list: StatementNode[], epilogue: () => StatementNode[]): void {
  for (const s of list) {
    for (const p of s.pipelines) {
      if (p.commands.length !== 1) continue
      const c = p.commands[0]
      if (!c) continue
      if (c.type === 'SimpleCommand') {
        if (literalWord(c.name) === 'exit') {
          p.commands[0] = { type: 'Group', body: [...epilogue(), statementOf(c)], redirections: [] }
        }
        continue
      }
      switch (c.type) {
        case 'If':
          for (const cl of c.clauses) {
            rewriteExit(cl.condition, epilogue)
            rewriteExit(cl.body, epilogue)
          }
          if (c.elseBody) rewriteExit(c.elseBody, epilogue)
          break
        case 'For':
        case 'CStyleFor':
        case 'Group':
          rewriteExit(c.body, epilogue)
          break
        case 'While':
        case 'Until':
          rewriteExit(c.condition, epilogue)
          rewriteExit(c.body, epilogue)
          break
        case 'Case':
          for (const item of c.items) rewriteExit(item.body, epilogue)
          break
        default:
          break
      }
    }
  }
}

/** Base64 of UTF-8 text (works in Node and browsers). */
export function toBase64(text: string): string {
  let bin = ''
  for (const b of new TextEncoder().encode(text)) bin += String.fromCharCode(b)
  return btoa(bin)
}

/** Inverse of {@link toBase64}. */
export function fromBase64(b64: string): string {
  return new TextDecoder().decode(Uint8Array.from(atob(b64), (c) => c.charCodeAt(0)))
}

/** Follows every function definition with `marker NAME BASE64(SOURCE)` (innermost first). */
function recordFunctions(node: unknown, marker: string): void {
  if (Array.isArray(node)) {
    for (const x of node) recordFunctions(x, marker)
    return
  }
  if (typeof node !== 'object' || node === null) return
  const rec = node as Record<string, unknown>
  for (const key of Object.keys(rec)) {
    const v = rec[key]
    if (typeof v === 'object' && v !== null) recordFunctions(v, marker)
  }
  if (rec.type !== 'Pipeline') return
  const p = rec as unknown as PipelineNode
  p.commands = p.commands.map((c) => {
    if (c.type !== 'FunctionDef') return c
    const text = serialize({ type: 'Script', statements: [statementOf(c)] })
    const mark: SimpleCommandNode = {
      type: 'SimpleCommand',
      assignments: [],
      name: word(marker),
      args: [word(c.name), word(toBase64(text))],
      redirections: [],
    }
    return { type: 'Group', body: [statementOf(c), statementOf(mark)], redirections: [] }
  })
}

/** Where a producer's stderr goes while it runs detached, or null when it cannot be linked. */
function producerMode(c: SimpleCommandNode, pipesStderr: boolean): 'p' | 'n' | 'd' | null {
  let mode: 'p' | 'n' | 'd' = pipesStderr ? 'p' : 'd'
  for (const r of c.redirections) {
    const target = r.target.type === 'Word' ? literalWord(r.target) : null
    switch (r.operator) {
      case '<':
      case '<<':
      case '<<-':
      case '<<<':
        if ((r.fd ?? 0) !== 0) return null
        break
      case '>':
      case '>>':
      case '>|':
        if (r.fd === 2 && target === '/dev/null' && mode === 'd') mode = 'n'
        else return null
        break
      case '>&':
        if (r.fd === 2 && target === '1' && mode === 'd') mode = 'p'
        else return null
        break
      default:
        return null
    }
  }
  return mode
}

/** The consumer takes its input from its own redirection, or sends its stderr elsewhere. */
function consumerRedirects(c: SimpleCommandNode): { input: boolean; err: boolean } {
  let input = false
  let err = false
  for (const r of c.redirections) {
    if (r.operator === '<' || r.operator === '<<' || r.operator === '<<-' || r.operator === '<<<' || r.operator === '<&' || r.operator === '<>') {
      if ((r.fd ?? 0) === 0) input = true
    } else if (redirectedFds([r]).err) err = true
  }
  return { input, err }
}

/** Names the script defines as functions. */
function definedFunctions(ast: unknown): Set<string> {
  const defined = new Set<string>()
  walk(ast, (n) => {
    if (n.type === 'FunctionDef') defined.add((n as unknown as { name: string }).name)
  })
  return defined
}

/** True when the redirections give fd 0 something other than the surrounding stdin. */
function redirectsInput(redirs: readonly Redirection[]): boolean {
  return redirs.some((r) => (r.operator === '<' || r.operator === '<<' || r.operator === '<<-' || r.operator === '<<<' || r.operator === '<&' || r.operator === '<>') && (r.fd ?? 0) === 0)
}

/**
 * Gives the programs that read the exec's own stdin (a pipeline's first stage, with no input
 * redirection of its own or around it, outside `$(…)`) the {@link EXEC_STDIN} marker.
 */
function markExecStdin(list: StatementNode[], roles: PipeRoles, defined: ReadonlySet<string>): void {
  for (const s of list) {
    if (s.background) continue
    for (const p of s.pipelines) {
      const c = p.commands[0]
      if (!c) continue
      if (c.type === 'SimpleCommand') {
        const name = literalWord(c.name)
        if (name === null || defined.has(name) || redirectsInput(c.redirections)) continue
        // `read` takes its line from the live input too (the shell's read sees only the fixed stdin).
        const isRead = name === 'read' && roles.detaches(READ_COMMAND)
        if (isRead) c.name = word(READ_COMMAND)
        if (isRead || roles.detaches(name)) c.args = [word(`${PIPE_IN_ARG}${EXEC_STDIN}:0`), ...c.args]
        continue
      }
      if (redirectsInput(c.redirections)) continue
      switch (c.type) {
        case 'If':
          for (const cl of c.clauses) {
            markExecStdin(cl.condition, roles, defined)
            markExecStdin(cl.body, roles, defined)
          }
          if (c.elseBody) markExecStdin(c.elseBody, roles, defined)
          break
        case 'For':
        case 'CStyleFor':
        case 'Group':
        case 'Subshell':
          markExecStdin(c.body, roles, defined)
          break
        case 'While':
        case 'Until':
          markExecStdin(c.condition, roles, defined)
          markExecStdin(c.body, roles, defined)
          break
        case 'Case':
          for (const item of c.items) markExecStdin(item.body, roles, defined)
          break
        default:
          break
      }
    }
  }
}

/** Marks the programs of `ast` that read the exec's live stdin (see {@link markExecStdin}). */
export function markLiveStdin(ast: ScriptNode, roles: PipeRoles): void {
  markExecStdin(ast.statements, roles, definedFunctions(ast))
}

/**
 * Links the stages of pipelines that can run at the same time (module comment, point 4). Pipelines
 * of background statements (`… &`) stay as they are.
 */
function markPipes(ast: ScriptNode, roles: PipeRoles): void {
  const defined = definedFunctions(ast)
  const detaches = (name: string | null): boolean => name !== null && !defined.has(name) && roles.detaches(name)
  const background = new Set<PipelineNode>()
  walk(ast, (n) => {
    if (n.type === 'Statement' && (n as unknown as StatementNode).background) for (const p of (n as unknown as StatementNode).pipelines) background.add(p)
  })
  let next = 0
  walk(ast, (n) => {
    if (n.type !== 'Pipeline' || background.has(n as unknown as PipelineNode)) return
    const p = n as unknown as PipelineNode
    const count = p.commands.length
    let linkedFromStart = true
    for (let i = 0; i + 1 < count; i++) {
      const a = p.commands[i]
      const b = p.commands[i + 1]
      let linked = false
      if (a?.type === 'SimpleCommand' && b?.type === 'SimpleCommand' && detaches(literalWord(a.name))) {
        const consumer = literalWord(b.name)
        const filter = consumer !== null && Object.hasOwn(STREAM_FILTERS, consumer) && !defined.has(consumer) ? STREAM_FILTERS[consumer] : undefined
        const isFilter = filter !== undefined && roles.detaches(filter)
        const mode = producerMode(a, p.pipeStderr?.[i] === true)
        const own = consumerRedirects(b)
        if ((isFilter || detaches(consumer)) && mode !== null && !own.input && !(mode === 'd' && own.err)) {
          const id = String(++next)
          a.args = [word(`${PIPE_OUT_ARG}${id}:${mode}`), ...a.args]
          if (isFilter && filter !== undefined) b.name = word(filter)
          const whole = linkedFromStart && i + 2 === count
          b.args = [word(`${PIPE_IN_ARG}${id}:${whole ? 1 : 0}`), ...b.args]
          linked = true
        }
      }
      if (!linked) linkedFromStart = false
    }
  })
}

/** Applies the rewrites described in the module comment; mutates and returns `ast`. */
export function transformScript(ast: ScriptNode, opts: TransformOptions): ScriptNode {
  if (opts.isDirectPath || opts.resolveBare) rewriteDispatch(ast, opts.isDirectPath, opts.resolveBare)
  if (opts.functionMarker) recordFunctions(ast, opts.functionMarker)
  if (opts.epilogue) rewriteExit(ast.statements, opts.epilogue)
  if (opts.pipes) markPipes(ast, opts.pipes)
  if (opts.pipes && opts.execStdin) markLiveStdin(ast, opts.pipes)
  let statements = ast.statements
  if (opts.sinkOut && opts.sinkErr && !hasPersistentOutputRedirect(ast)) {
    const streams = withoutFunctions(opts.streams, ast)
    const streamer = new Streamer(opts.sinkOut, opts.sinkErr, streams)
    for (const s of statements) {
      // A wrapped statement that is one simple command needs no sinks of its own: the wrapper
      // delivers the same output (stdout, then stderr, then shell errors) at the same moment.
      if (!isWrapped(s) || !isSimpleStatement(s)) streamer.statement(s, { out: true, err: true })
      else markStreamingStatement(s, streams)
    }
    statements = statements.map((s) => streamer.wrap(s))
  }
  ast.statements = [...(opts.prologue ?? []), ...statements, ...(opts.epilogue ? opts.epilogue() : [])]
  return ast
}

/**
 * True if the script is one simple command (no list, pipeline, compound command or `&`). Such a
 * script needs no streaming rewrite: its output reaches the caller when it ends either way, stdout
 * before stderr, and shell-raised errors after both.
 */
export function isSingleCommand(ast: ScriptNode): boolean {
  const s = ast.statements.length === 1 ? ast.statements[0] : undefined
  return s !== undefined && !s.background && isSimpleStatement(s)
}

/** Applies only the dispatch rewrite (nested execs: `bash -c`, `source`d text run by commands). */
export function transformNested(ast: ScriptNode, isDirectPath: (path: string) => boolean, resolveBare?: (name: string) => string | null): ScriptNode {
  rewriteDispatch(ast, isDirectPath, resolveBare)
  return ast
}
