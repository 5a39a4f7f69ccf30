/**
 * Concurrent pipeline stages in the shell layer (src/shell/stage.ts, pipe.ts, the transform's
 * point 4), driven by commands written against the public `ShellCommand` contract: a producer
 * that detaches and writes into `ctx.stdoutPipe` with backpressure, a filter that reads
 * `ctx.stdinPipe`. The same contract with real WASI programs is in test/api/pipeline.test.ts.
 */
import { describe, expect, it } from 'vitest'
import type { ShellCommand, ShellCommandContext } from '../../src/shell/index.js'
import { parseHead } from '../../src/shell/commands/head-stream.js'
import { planGrep } from '../../src/shell/commands/grep-stream.js'
import { splitFields } from '../../src/shell/commands/read-live.js'
import { Pipe, PIPE_CAPACITY } from '../../src/shell/pipe.js'
import { makeShell } from './helpers.js'

const enc = new TextEncoder()
const dec = new TextDecoder()

interface GenLog {
  wrote: number
  epipe: boolean
  ended: boolean
  aborted: boolean
  /** Largest number of bytes the pipe held after one of this producer's writes. */
  maxBuffered: number
}

const newLog = (): GenLog => ({ wrote: 0, epipe: false, ended: false, aborted: false, maxBuffered: 0 })

/**
 * `gen [N [STATUS [LINE]]]`: runs like a process in the background. Linked, it detaches and
 * writes `LINE` (default: the line number) N times (forever without N) into its pipe, waiting
 * when the pipe is full, stopping at EPIPE (status 141, like SIGPIPE) or at abort. Unlinked, it
 * returns up to 1000 lines in its result like any command. `gen-err` writes `E` to stderr first.
 */
function generator(log: GenLog, stderrFirst = false): ShellCommand {
  return {
    streams: true,
    pipes: true,
    async run(args: string[], ctx: ShellCommandContext) {
      const limit = args[0] === undefined || args[0] === 'inf' ? Infinity : Number(args[0])
      const status = Number(args[1] ?? 0)
      const line = (i: number): string => `${args[2] ?? i}\n`
      const pipe = ctx.stdoutPipe
      // stderr first: into the pipe when it takes stderr too, else to ctx.stderr, else in the result.
      let errText = ''
      if (stderrFirst && !pipe?.stderrToo) {
        if (ctx.stderr) ctx.stderr(enc.encode('E\n'))
        else errText = 'E\n'
      }
      if (!pipe) {
        let out = ''
        for (let i = 0; i < Math.min(limit, 1000); i++) out += line(i)
        return { stdout: out, stderr: errText, exitCode: status }
      }
      pipe.detach()
      if (stderrFirst && pipe.stderrToo) await pipe.write(enc.encode('E\n'))
      for (let i = 0; i < limit; i++) {
        if (ctx.signal?.aborted) {
          log.aborted = true
          log.ended = true
          return { stdout: '', stderr: '', exitCode: 130 }
        }
        const ok = await pipe.write(enc.encode(line(i)))
        log.wrote++
        if (!ok) {
          log.epipe = true
          log.ended = true
          return { stdout: '', stderr: '', exitCode: 141 }
        }
        if (i % 64 === 0) await new Promise((r) => setTimeout(r, 0))
      }
      log.ended = true
      return { stdout: '', stderr: errText, exitCode: status }
    },
  }
}

/** `upper`: a linked filter (reads its stdin pipe line by line, writes upper case, detaches). */
const upper: ShellCommand = {
  streams: true,
  pipes: true,
  async run(_args, ctx) {
    const input = ctx.stdinPipe
    const output = ctx.stdoutPipe
    if (!input) {
      const text = ctx.stdin.toUpperCase()
      if (ctx.stdout) {
        ctx.stdout(enc.encode(text))
        return { stdout: '', stderr: '', exitCode: 0 }
      }
      return { stdout: text, stderr: '', exitCode: 0 }
    }
    output?.detach()
    let collected = ''
    for (;;) {
      const chunk = await input.read(4096)
      if (chunk.byteLength === 0) break
      const text = dec.decode(chunk).toUpperCase()
      if (output) {
        if (!(await output.write(enc.encode(text)))) return { stdout: '', stderr: '', exitCode: 141 }
      } else if (ctx.stdout) ctx.stdout(enc.encode(text))
      else collected += text
    }
    return { stdout: collected, stderr: '', exitCode: 0 }
  },
}

/** `upper-bytes`: like `upper`, but returns its output as bytes (as programs do). */
const upperBytes: ShellCommand = {
  pipes: true,
  async run(_args, ctx) {
    const input = ctx.stdinPipe
    let text = input ? '' : ctx.stdin
    if (input) for (let c = await input.read(4096); c.byteLength > 0; c = await input.read(4096)) text += dec.decode(c)
    return { stdout: '', stdoutBytes: enc.encode(text.toUpperCase()), stderr: '', exitCode: 0 }
  },
}

/** `sink-slow`: reads nothing and waits `ARG` ms (a consumer that never reads its pipe). */
const sleeper: ShellCommand = {
  pipes: true,
  async run(args, ctx) {
    await new Promise<void>((resolve) => {
      const t = setTimeout(resolve, Number(args[0] ?? 0))
      ctx.signal?.addEventListener('abort', () => {
        clearTimeout(t)
        resolve()
      })
    })
    return { stdout: '', stderr: '', exitCode: 0 }
  },
}

function shellWith(log = newLog(), errLog = newLog()) {
  return makeShell({ commands: { gen: generator(log), 'gen-err': generator(errLog, true), upper, 'upper-bytes': upperBytes, 'sink-slow': sleeper } })
}

describe('concurrent pipelines', () => {
  it('an endless producer into head ends when head has its lines; the producer gets EPIPE', async () => {
    const log = newLog()
    const { shell } = shellWith(log)
    const r = await shell.exec('gen | head -3; echo "${PIPESTATUS[@]}"', { timeoutMs: 5000 })
    expect(r.timedOut).toBe(false)
    expect(r.stdout).toBe('0\n1\n2\n141 0\n')
    expect(log.epipe).toBe(true)
    expect(log.ended).toBe(true)
  })

  it('writes wait when the pipe is full (backpressure): the producer runs ahead of head by one pipe at most', async () => {
    const log = newLog()
    const { shell } = shellWith(log)
    const r = await shell.exec('gen inf 0 0123456789abcdef | head -c 32', { timeoutMs: 5000 })
    expect(r.stdout).toBe('0123456789abcdef\n0123456789abcde')
    // 17-byte lines: at most a pipe's worth (64 KiB) plus the writes in flight before head closed it.
    expect(log.wrote * 17).toBeLessThan(2 * PIPE_CAPACITY)
  })

  it('three linked stages run at once and end together', async () => {
    const log = newLog()
    const { shell } = shellWith(log)
    const r = await shell.exec('gen inf 0 abc | upper | head -2; echo "${PIPESTATUS[@]}"', { timeoutMs: 5000 })
    expect(r.stdout).toBe('ABC\nABC\n141 141 0\n')
    expect(log.epipe).toBe(true)
  })

  it('the last stage waits for the stages before it, and returns their statuses (pipefail, PIPESTATUS, !)', async () => {
    const { shell } = shellWith()
    let r = await shell.exec('gen 3 5 | upper; echo "rc=$? ${PIPESTATUS[@]}"')
    expect(r.stdout).toBe('0\n1\n2\nrc=0 5 0\n')
    r = await shell.exec('set -o pipefail; gen 3 5 | upper; echo "rc=$? ${PIPESTATUS[@]}"')
    expect(r.stdout).toBe('0\n1\n2\nrc=5 5 0\n')
    r = await shell.exec('set -o pipefail; ! gen 3 5 | upper > /dev/null; echo "rc=$?"')
    expect(r.stdout).toBe('rc=0\n')
    r = await shell.exec('set -o pipefail; gen inf | head -1; echo "rc=$?"')
    expect(r.stdout).toBe('0\nrc=141\n')
  })

  it('stderr of a detached stage: to the output (transparent), nowhere (2>/dev/null), into the pipe (|&, 2>&1), or with the pipeline ($(…))', async () => {
    const { shell } = shellWith()
    let r = await shell.exec('gen-err 2 | upper')
    expect(r.stdout).toBe('0\n1\n')
    expect(r.stderr).toBe('E\n')
    r = await shell.exec('gen-err 2 2>/dev/null | upper')
    expect(r.output).toBe('0\n1\n')
    r = await shell.exec('gen-err 2 |& upper')
    expect(r.output).toBe('E\n0\n1\n')
    r = await shell.exec('gen-err 2 2>&1 | upper')
    expect(r.output).toBe('E\n0\n1\n')
    r = await shell.exec('x=$(gen-err 2 | upper); echo "x=$x"')
    expect(r.stdout).toBe('x=0\n1\n')
    expect(r.stderr).toBe('E\n')
  })

  it('the last stage\'s output in bytes is kept when the shell captures it', async () => {
    const { shell } = shellWith()
    const r = await shell.exec('x=$(gen 2 0 ab | upper-bytes); echo "x=$x"; gen 1 0 cd | upper-bytes > /tmp/o; cat /tmp/o')
    expect(r.stdout).toBe('x=AB\nAB\nCD\n')
  })

  it('stages that are not linked keep just-bash semantics (whole output, then the next stage)', async () => {
    const log = newLog()
    const { shell } = shellWith(log)
    let r = await shell.exec('gen 5 | wc -l')
    expect(r.stdout.trim()).toBe('5')
    expect(log.wrote).toBe(0) // ran unlinked: returned its output
    r = await shell.exec('echo hi | upper | tr H J')
    expect(r.stdout).toBe('JI\n')
    r = await shell.exec('head() { echo mine; }; gen 3 | head')
    expect(r.stdout).toBe('mine\n')
    r = await shell.exec('printf "a\\nb\\n" > /tmp/in; gen inf | head -1 < /tmp/in')
    expect(r.stdout).toBe('a\n')
  })

  it('a producer whose consumer never reads stops when the exec times out', async () => {
    const log = newLog()
    const { shell } = shellWith(log)
    const started = Date.now()
    const r = await shell.exec('gen | sink-slow 60000', { timeoutMs: 300 })
    expect(r.timedOut).toBe(true)
    expect(Date.now() - started).toBeLessThan(3000)
    await new Promise((resolve) => setTimeout(resolve, 50))
    expect(log.ended).toBe(true)
  })

  it('a consumer that ends without reading gives its producer EPIPE (no hang)', async () => {
    const log = newLog()
    const { shell } = shellWith(log)
    const r = await shell.exec('gen | sink-slow 10; echo "${PIPESTATUS[@]}"', { timeoutMs: 5000 })
    expect(r.timedOut).toBe(false)
    expect(r.stdout).toBe('141 0\n')
    expect(log.epipe).toBe(true)
  })

  it('a detached producer whose consumer never ran is stopped at the end of the exec', async () => {
    const log = newLog()
    const { shell } = shellWith(log)
    const r = await shell.exec('gen | head -1 > /nonexistent/dir/file; echo after', { timeoutMs: 5000 })
    expect(r.timedOut).toBe(false)
    expect(r.stdout).toContain('after')
    expect(log.ended).toBe(true)
  })

  it('head over a live pipe: its options', async () => {
    const { shell } = shellWith()
    const run = async (cmd: string): Promise<string> => (await shell.exec(cmd, { timeoutMs: 5000 })).stdout
    expect(await run('gen 5 | head -n 2')).toBe('0\n1\n')
    expect(await run('gen 5 | head -2')).toBe('0\n1\n')
    expect(await run('gen 5 | head --lines=1')).toBe('0\n')
    expect(await run('gen 5 | head -n -2')).toBe('0\n1\n2\n')
    expect(await run('gen 5 | head -c 3')).toBe('0\n1')
    expect(await run('gen 5 | head -c -4')).toBe('0\n1\n2\n')
    expect(await run('gen 5 | head -v -n1')).toBe('==> standard input <==\n0\n')
    expect(await run('gen 5 | head')).toBe('0\n1\n2\n3\n4\n')
    expect(await run('gen 5 | head -n 0')).toBe('')
    // Not for stdin alone: just-bash's head on the whole input.
    expect(await run('echo file > /tmp/f; gen 5 | head -n 1 /tmp/f')).toBe('file\n')
  })

  it('grep over a live pipe: matches as lines come, -q and -m stop the producer, the rest sees whole input', async () => {
    const log = newLog()
    const { shell } = shellWith(log)
    const run = async (cmd: string) => shell.exec(cmd, { timeoutMs: 5000 })
    let r = await run('gen | grep -m 2 7; echo "${PIPESTATUS[@]}"')
    expect(r.stdout).toBe('7\n17\n141 0\n')
    expect(log.epipe).toBe(true)
    r = await run('gen | grep -q 5; echo "rc=$?"')
    expect(r.stdout).toBe('rc=0\n')
    // Line by line, it answers as grep on the whole input does.
    for (const args of ['-v 1', '-E "^(1|2)+$"', '-o 1', '-iw 12', '-x -e 3 -e 30', 'zzz']) {
      const linked = await run(`gen 40 | grep ${args}; echo "rc=$?"`)
      const whole = await run(`gen 40 > /tmp/g; grep ${args} < /tmp/g; echo "rc=$?"`)
      expect(linked.stdout, args).toBe(whole.stdout)
    }
    // Counts, numbers, context: one grep over the whole input.
    for (const args of ['-c 1', '-n 3', '-A1 39']) {
      const linked = await run(`gen 40 | grep ${args}`)
      const whole = await run(`gen 40 > /tmp/g; grep ${args} < /tmp/g`)
      expect(linked.stdout, args).toBe(whole.stdout)
    }
    r = await run('gen 3 | grep -E "("; echo "rc=$?"')
    expect(r.stdout).toBe('rc=2\n')
    expect(r.stderr).not.toBe('')
  })

  it('planGrep takes line-by-line options and declines the rest', () => {
    expect(planGrep(['x'])).toEqual({ quiet: false, maxCount: Infinity })
    expect(planGrep(['-qi', 'x'])).toEqual({ quiet: true, maxCount: Infinity })
    expect(planGrep(['-m', '3', '-e', 'a', '-e', 'b'])).toEqual({ quiet: false, maxCount: 3 })
    expect(planGrep(['--max-count=2', '--regexp=a'])).toEqual({ quiet: false, maxCount: 2 })
    expect(planGrep(['-c', 'x'])).toBeNull()
    expect(planGrep(['-n', 'x'])).toBeNull()
    expect(planGrep(['-A', '1', 'x'])).toBeNull()
    expect(planGrep(['x', 'file'])).toBeNull()
    expect(planGrep(['-o', '-m', '1', 'x'])).toBeNull()
    expect(planGrep([])).toBeNull()
  })

  it('parseHead reads GNU head options for stdin, and declines the rest', () => {
    expect(parseHead([])).toMatchObject({ unit: 'lines', count: 10, allBut: false })
    expect(parseHead(['-n', '3'])).toMatchObject({ unit: 'lines', count: 3 })
    expect(parseHead(['-n3'])).toMatchObject({ unit: 'lines', count: 3 })
    expect(parseHead(['-7'])).toMatchObject({ unit: 'lines', count: 7 })
    expect(parseHead(['-c', '2K'])).toMatchObject({ unit: 'bytes', count: 2048 })
    expect(parseHead(['--bytes=1kB'])).toMatchObject({ unit: 'bytes', count: 1000 })
    expect(parseHead(['-n', '-2'])).toMatchObject({ unit: 'lines', count: 2, allBut: true })
    expect(parseHead(['-qz'])).toMatchObject({ zero: true, header: false })
    expect(parseHead(['-n'])).toBeNull()
    expect(parseHead(['-n', 'x'])).toBeNull()
    expect(parseHead(['file'])).toBeNull()
    expect(parseHead(['--frobnicate'])).toBeNull()
  })
})

describe('live stdin (sendSessionCommandInput)', () => {
  it('read and programs take their input from it in turn, a byte at a time; IFS splitting, -r, -t', async () => {
    const { shell } = shellWith()
    const input = new Pipe()
    const fed = (async () => {
      for (const part of ['x\n', '  y  z   w \n', 'a\\', '\nb\n', 'l1\nl2\n', 'rest1\nrest2\n']) {
        await new Promise((r) => setTimeout(r, 20))
        await input.write(enc.encode(part))
      }
      input.closeWrite()
    })()
    const r = await shell.exec(
      'read a; read -r b c; read joined; echo "[$a] [$b] [$c] [$joined]"; n=0; while [ $n -lt 2 ] && read l; do echo "got $l"; n=$((n+1)); done; upper; read after; echo "after=$? [$after]"',
      { stdinPipe: input, timeoutMs: 5000 },
    )
    await fed
    expect(r.stdout).toBe('[x] [y] [z   w] [ab]\ngot l1\ngot l2\nREST1\nREST2\nafter=1 []\n')
  })

  it('read -t gives up with 142 and leaves the input for the next reader', async () => {
    const { shell } = shellWith()
    const input = new Pipe()
    setTimeout(() => void input.write(enc.encode('late\n')), 300)
    const r = await shell.exec('read -t 0.1 x; echo "rc=$? [$x]"; read y; echo "[$y]"', { stdinPipe: input, timeoutMs: 5000 })
    expect(r.stdout).toBe('rc=142 []\n[late]\n')
  })

  it('splitFields follows bash (IFS whitespace, other IFS characters, the rest in the last name)', () => {
    expect(splitFields('  a  b c  ', ' \t\n', 2)).toEqual(['a', 'b c'])
    expect(splitFields('a:b::c', ':', 4)).toEqual(['a', 'b', '', 'c'])
    expect(splitFields('a:b:c', ':', 2)).toEqual(['a', 'b:c'])
    expect(splitFields('only', ' \t\n', 3)).toEqual(['only', '', ''])
  })
})

describe('Pipe', () => {
  it('blocks writes past its capacity until read, ends reads at close, and reports a gone reader', async () => {
    const p = new Pipe(8)
    expect(p.write(enc.encode('1234'))).toBe(true)
    const w = p.write(enc.encode('56789'))
    expect(w).toBeInstanceOf(Promise)
    let resolved = false
    void (w as Promise<boolean>).then(() => (resolved = true))
    await Promise.resolve()
    expect(resolved).toBe(false)
    expect(dec.decode(await p.read(4))).toBe('1234')
    expect(await w).toBe(true)
    const pending = p.read(100)
    p.closeWrite()
    expect(dec.decode(await pending)).toBe('56789')
    expect((await p.read(100)).byteLength).toBe(0)

    const q = new Pipe(4)
    const blocked = q.write(enc.encode('123456'))
    q.closeRead()
    expect(await blocked).toBe(false)
    expect(q.write(enc.encode('x'))).toBe(false)
  })
})
