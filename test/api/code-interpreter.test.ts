import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Daytona, DaytonaNotFoundError, DaytonaTimeoutError, type Sandbox } from '../../src/index.js'

// sandbox.codeInterpreter: persistent python3 processes in the sandbox, one per context.
let daytona: Daytona
let sandbox: Sandbox

beforeAll(async () => {
  daytona = new Daytona()
  sandbox = await daytona.create({ language: 'python' })
})
afterAll(async () => {
  await daytona.dispose()
})

describe('codeInterpreter', () => {
  it('keeps variables, imports and functions between runs of the default context', async () => {
    await sandbox.codeInterpreter.runCode('x = 41\nimport json\ndef f(v):\n    return json.dumps({"v": v})')
    const r = await sandbox.codeInterpreter.runCode('print(x + 1, f(x))')
    expect(r).toEqual({ stdout: '42 {"v": 41}\n', stderr: '' })
  })

  it('streams stdout and stderr while the code runs, and returns them', async () => {
    const events: string[] = []
    const r = await sandbox.codeInterpreter.runCode('import sys, time\nprint("a")\ntime.sleep(0.3)\nsys.stderr.write("b\\n")\nprint("c")', {
      onStdout: (m) => events.push(`o:${m.output}:${Date.now()}`),
      onStderr: (m) => events.push(`e:${m.output}:${Date.now()}`),
    })
    expect(r.stdout).toBe('a\nc\n')
    expect(r.stderr).toBe('b\n')
    // print() writes its text and its newline separately (-u): join runs of one stream.
    const runs: { stream: string; text: string; at: number }[] = []
    for (const e of events) {
      const [stream = '', text = '', at = '0'] = e.split(':')
      const last = runs[runs.length - 1]
      if (last && last.stream === stream) last.text += text
      else runs.push({ stream, text, at: Number(at) })
    }
    expect(runs.map((r) => `${r.stream}:${r.text}`)).toEqual(['o:a\n', 'e:b\n', 'o:c\n'])
    expect((runs[1]?.at ?? 0) - (runs[0]?.at ?? 0)).toBeGreaterThanOrEqual(250)
  })

  it('returns exceptions as error {name, value, traceback} and calls onError; the context lives on', async () => {
    const seen: string[] = []
    const r = await sandbox.codeInterpreter.runCode('y = 5\ndef g():\n    raise ValueError("bad " + str(y))\ng()', { onError: (e) => seen.push(e.name) })
    expect(r.error?.name).toBe('ValueError')
    expect(r.error?.value).toBe('bad 5')
    expect(r.error?.traceback).toBe('Traceback (most recent call last):\n  File "<string>", line 4, in <module>\n    g()\n    ~^^\n  File "<string>", line 3, in g\n    raise ValueError("bad " + str(y))\nValueError: bad 5\n')
    expect(r.error?.traceback).not.toContain('_daylite_')
    expect(seen).toEqual(['ValueError'])
    expect((await sandbox.codeInterpreter.runCode('print(y)')).stdout).toBe('5\n')
    const syntax = await sandbox.codeInterpreter.runCode('def (:')
    expect(syntax.error?.name).toBe('SyntaxError')
    const exit = await sandbox.codeInterpreter.runCode('import sys; sys.exit(3)')
    expect(exit.error?.name).toBe('SystemExit')
    expect((await sandbox.codeInterpreter.runCode('print(y * 2)')).stdout).toBe('10\n')
  })

  it('top-level await runs on one event loop per context, as in Jupyter; its errors start at the cell', async () => {
    const ctx = await sandbox.codeInterpreter.createContext()
    const started = Date.now()
    let r = await sandbox.codeInterpreter.runCode('import asyncio\nawait asyncio.sleep(0.2)\nticks = []\nasync def tick():\n    while True:\n        ticks.append(1)\n        await asyncio.sleep(0.05)\ntask = asyncio.ensure_future(tick())\nawait asyncio.sleep(0.12)\nprint("slept")', { context: ctx })
    expect(r.error).toBeUndefined()
    expect(r.stdout).toBe('slept\n')
    expect(Date.now() - started).toBeGreaterThanOrEqual(300)
    // The task started in the last cell runs again while a later cell awaits on the same loop.
    r = await sandbox.codeInterpreter.runCode('before = len(ticks)\nawait asyncio.sleep(0.12)\nprint(len(ticks) > before, task.done())', { context: ctx })
    expect(r.stdout).toBe('True False\n')
    // asyncio.run() still works in a cell that does not await (the context's loop is not running then).
    r = await sandbox.codeInterpreter.runCode('async def f():\n    return 7\nprint(asyncio.run(f()))', { context: ctx })
    expect(r.stdout).toBe('7\n')
    r = await sandbox.codeInterpreter.runCode('async def boom():\n    raise KeyError("k")\nawait boom()', { context: ctx })
    expect(r.error?.name).toBe('KeyError')
    expect(r.error?.traceback).toMatch(/^Traceback \(most recent call last\):\n  File "<string>", line 3, in <module>[\s\S]*in boom[\s\S]*KeyError: 'k'/)
    expect(r.error?.traceback).not.toMatch(/base_events|_daylite_/)
    await sandbox.codeInterpreter.deleteContext(ctx)
  })

  it('contexts are isolated, start in their cwd, are listed and deleted', async () => {
    await sandbox.fs.createFolder('ctxdir', '755')
    const ctx = await sandbox.codeInterpreter.createContext(`${await sandbox.getWorkDir()}/ctxdir`)
    expect(ctx).toMatchObject({ language: 'python', active: true, cwd: expect.stringMatching(/\/ctxdir$/) })
    const r = await sandbox.codeInterpreter.runCode('import os\nprint(os.getcwd().endswith("ctxdir"), "x" in globals())', { context: ctx })
    expect(r.stdout).toBe('True False\n')
    expect((await sandbox.codeInterpreter.listContexts()).map((c) => c.id)).toEqual([ctx.id])
    await sandbox.codeInterpreter.deleteContext(ctx)
    expect(await sandbox.codeInterpreter.listContexts()).toEqual([])
    await expect(sandbox.codeInterpreter.runCode('1', { context: ctx })).rejects.toBeInstanceOf(DaytonaNotFoundError)
    await expect(sandbox.codeInterpreter.deleteContext(ctx)).rejects.toBeInstanceOf(DaytonaNotFoundError)
  })

  it('envs apply to one run only; input() sees an empty stdin; files written are the sandbox files', async () => {
    const r = await sandbox.codeInterpreter.runCode('import os\nprint(os.environ["ONLY"])\nopen("from-ctx.txt", "w").write("hi")', { envs: { ONLY: 'once' } })
    expect(r.stdout).toBe('once\n')
    expect((await sandbox.codeInterpreter.runCode('import os\nprint(os.environ.get("ONLY"))')).stdout).toBe('None\n')
    expect((await sandbox.codeInterpreter.runCode('input()')).error?.name).toBe('EOFError')
    expect((await sandbox.fs.downloadFile('from-ctx.txt')).toString()).toBe('hi')
  })

  it('a runaway loop is killed at the timeout with a clear error; the context restarts empty and says so', async () => {
    const ctx = await sandbox.codeInterpreter.createContext()
    await sandbox.codeInterpreter.runCode('z = 1', { context: ctx })
    const t0 = Date.now()
    const err = await sandbox.codeInterpreter.runCode('while True: pass', { context: ctx, timeout: 1 }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(DaytonaTimeoutError)
    expect(String((err as Error).message)).toMatch(/restarted and its variables are gone/)
    expect(Date.now() - t0).toBeLessThan(5000)
    const after = await sandbox.codeInterpreter.runCode('print("z" in globals())', { context: ctx })
    expect(after.stdout).toBe('False\n')
    expect(after.stderr).toMatch(/restarted/)
    expect((await sandbox.process.executeCommand('echo alive')).result).toBe('alive\n')
  })

  it('runs queued calls in order', async () => {
    const ctx = await sandbox.codeInterpreter.createContext()
    const runs = await Promise.all([1, 2, 3, 4].map((i) => sandbox.codeInterpreter.runCode(`n = globals().get("n", 0) * 10 + ${i}\nprint(n)`, { context: ctx })))
    expect(runs.map((r) => r.stdout)).toEqual(['1\n', '12\n', '123\n', '1234\n'])
  })
})
