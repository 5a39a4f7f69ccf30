import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Daytona, type Sandbox } from '../../src/index.js'
import { type TestIndex, buildAllFixtures, startIndex, treeFiles } from './helpers.js'

// pip in the sandbox against a real package index on 127.0.0.1 serving wheels built from the
// fixture sources; everything goes through the public API (the kernel runs from dist/).
const SITE = '/usr/local/lib/python3.13/site-packages'
let index: TestIndex
let daytona: Daytona
let sandbox: Sandbox
let I: string

async function run(sb: Sandbox, command: string, cwd?: string): Promise<{ exitCode: number; result: string }> {
  const r = await sb.process.executeCommand(command, cwd)
  return { exitCode: r.exitCode, result: r.result }
}

beforeAll(async () => {
  index = await startIndex(buildAllFixtures())
  I = `--index-url ${index.url}`
  daytona = new Daytona()
  sandbox = await daytona.create()
})
afterAll(async () => {
  await daytona?.dispose()
  await index?.close()
})

describe('pip install from an index', () => {
  it('installs a package and its dependency, which python3 then imports', async () => {
    const started = performance.now()
    const r = await run(sandbox, `pip install ${I} greet==1.0`)
    const ms = performance.now() - started
    expect(r.result).toContain('Collecting greet==1.0')
    expect(r.result).toContain('Collecting colorlib>=1.0 (from greet)')
    // PEP 658: the metadata first, the wheels once everything is resolved.
    expect(r.result).toMatch(/\n {2}Downloading greet-1\.0-py3-none-any\.whl\.metadata \(\d+ bytes\)\n/)
    expect(r.result).toMatch(/\nDownloading greet-1\.0-py3-none-any\.whl \(\d+(\.\d)? (bytes|kB)\)\n/)
    expect(r.result).toContain('Installing collected packages: colorlib, greet')
    expect(r.result).toContain('Successfully installed colorlib-1.5 greet-1.0')
    expect(r.exitCode).toBe(0)
    console.log(`pip install greet==1.0 (2 wheels, local index): ${ms.toFixed(0)} ms`)
    // colorlib 2.0b1 is a pre-release: not picked without --pre.
    const py = await run(sandbox, `python3 -c "import greet; print(greet.f())"`)
    expect(py.result).toBe('[hello] 1.5\n')
    const data = await run(sandbox, `python3 -c "import colorlib, os; print(open(os.path.join(os.path.dirname(colorlib.__file__), 'data', 'palette.txt')).read().strip())"`)
    expect(data.result).toBe('red green blue\n')
  })

  it('lists, freezes and shows what it installed', async () => {
    const list = await run(sandbox, 'pip list')
    expect(list.result).toBe('Package  Version\n-------- -------\ncolorlib 1.5\ngreet    1.0\n')
    const freeze = await run(sandbox, 'pip freeze')
    expect(freeze.result).toBe('colorlib==1.5\ngreet==1.0\n')
    const json = await run(sandbox, 'pip list --format=json')
    expect(JSON.parse(json.result)).toEqual([
      { name: 'colorlib', version: '1.5' },
      { name: 'greet', version: '1.0' },
    ])
    const show = await run(sandbox, 'pip show colorlib')
    expect(show.result).toBe(
      `Name: colorlib\nVersion: 1.5\nSummary: Paints text\nHome-page: \nAuthor: Ada\nAuthor-email: \nLicense: MIT\nLocation: ${SITE}\nRequires: \nRequired-by: greet\n`,
    )
    const files = await run(sandbox, 'pip show -f greet')
    expect(files.result).toContain('Requires: colorlib\nRequired-by: \nFiles:\n')
    expect(files.result).toContain('  greet/__init__.py\n')
    expect(files.result).toContain('  greet-1.0.dist-info/RECORD\n')
    const missing = await run(sandbox, 'pip show nosuch; echo "exit=$?"')
    expect(missing.result).toContain('WARNING: Package(s) not found: nosuch')
    expect(missing.result).toContain('exit=1')
    const meta = await run(sandbox, `cat ${SITE}/greet-1.0.dist-info/INSTALLER; ls ${SITE}/greet-1.0.dist-info`)
    expect(meta.result).toBe('daylite\nINSTALLER\nMETADATA\nRECORD\nREQUESTED\nWHEEL\n')
    const check = await run(sandbox, 'pip check')
    expect(check.result).toBe('No broken requirements found.\n')
  })

  it('skips what is already satisfied, and upgrades with -U', async () => {
    const again = await run(sandbox, `pip install ${I} greet`)
    expect(again.result).toContain(`Requirement already satisfied: greet in ${SITE} (1.0)`)
    expect(again.result).not.toContain('Successfully installed')
    expect((await run(sandbox, `pip list --outdated ${I}`)).result).toBe('Package Version Latest Type\n------- ------- ------ -----\ngreet   1.0     2.0    wheel\n')
    expect((await run(sandbox, `pip index versions colorlib ${I}`)).result).toBe('colorlib (1.5)\nAvailable versions: 1.5, 1.0\n')
    const up = await run(sandbox, `pip install ${I} -U greet`)
    expect(up.result).toContain('Collecting greet')
    expect(up.result).toContain(`Requirement already satisfied: colorlib>=1.5 in ${SITE} (from greet) (1.5)`)
    expect(up.result).toContain('  Attempting uninstall: greet\n    Found existing installation: greet 1.0\n    Uninstalling greet-1.0:\n      Successfully uninstalled greet-1.0')
    expect(up.result).toContain('Successfully installed greet-2.0')
    expect((await run(sandbox, 'python3 -c "import greet; print(greet.f())"')).result).toBe('[hello v2] 1.5\n')
    expect((await run(sandbox, `ls ${SITE}`)).result).toBe('colorlib\ncolorlib-1.5.dist-info\ngreet\ngreet-2.0.dist-info\n')
  })

  it('honours version specifiers and pre-releases', async () => {
    const down = await run(sandbox, `pip install ${I} 'colorlib==1.0'`)
    expect(down.result).toContain('Successfully installed colorlib-1.0')
    expect((await run(sandbox, 'pip check; echo "exit=$?"')).result).toBe('greet 2.0 has requirement colorlib>=1.5, but you have colorlib 1.0.\nexit=1\n')
    const range = await run(sandbox, `pip install ${I} 'colorlib>=1.0,!=1.5,<3'`)
    expect(range.result).toContain('Requirement already satisfied: colorlib!=1.5,<3,>=1.0'.replace('!=1.5,<3,>=1.0', '>=1.0,!=1.5,<3'))
    const compatible = await run(sandbox, `pip install ${I} -U 'colorlib~=1.0'`)
    expect(compatible.result).toContain('Successfully installed colorlib-1.5')
    const pre = await run(sandbox, `pip install ${I} --pre -U colorlib`)
    expect(pre.result).toContain('Successfully installed colorlib-2.0b1')
    const explicit = await run(sandbox, `pip install ${I} 'colorlib==2.0b1'`)
    expect(explicit.result).toContain('Requirement already satisfied')
    const none = await run(sandbox, `pip install ${I} 'colorlib>5'; echo "exit=$?"`)
    expect(none.result).toContain('ERROR: Could not find a version that satisfies the requirement colorlib>5 (from versions: 1.0, 1.5, 2.0b1)')
    expect(none.result).toContain('ERROR: No matching distribution found for colorlib>5')
    expect(none.result).toContain('exit=1')
    const back = await run(sandbox, `pip install ${I} 'colorlib<2'`)
    expect(back.result).toContain('Successfully installed colorlib-1.5')
  })

  it('uninstalls with -y: the files go and the import fails', async () => {
    const r = await run(sandbox, 'pip uninstall -y greet')
    expect(r.result).toBe('Found existing installation: greet 2.0\nUninstalling greet-2.0:\n  Successfully uninstalled greet-2.0\n')
    const py = await run(sandbox, 'python3 -c "import greet"; echo "exit=$?"')
    expect(py.result).toContain("ModuleNotFoundError: No module named 'greet'")
    expect(py.result).toContain('exit=1')
    expect((await run(sandbox, `ls ${SITE}`)).result).toBe('colorlib\ncolorlib-1.5.dist-info\n')
    const again = await run(sandbox, 'pip uninstall -y greet; echo "exit=$?"')
    expect(again.result).toBe('WARNING: Skipping greet as it is not installed.\nexit=0\n')
    // Without -y the answer comes from stdin.
    const no = await run(sandbox, "echo n | pip uninstall colorlib")
    expect(no.result).toContain(`  Would remove:\n    ${SITE}/colorlib-1.5.dist-info/*\n    ${SITE}/colorlib/*\nProceed (Y/n)? n`)
    expect((await run(sandbox, 'pip freeze')).result).toBe('colorlib==1.5\n')
    const yes = await run(sandbox, 'echo y | pip3 uninstall colorlib && pip list')
    expect(yes.result).toContain('Successfully uninstalled colorlib-1.5')
    expect((await run(sandbox, `ls ${SITE}; pip list`)).result).toBe('')
  })
})

describe('requirements, extras, markers and console scripts', () => {
  it('installs from a requirements file with an extra, markers and a console script', async () => {
    await sandbox.fs.uploadFile(
      Buffer.from(`# tools\n-i ${index.url}\nFancy[color] >= 1.0   # with colours\nhello-cli==1.0 \\\n  --hash=sha256:${index.files.find((f) => f.project === 'hello-cli')?.sha256}\n`),
      'proj/requirements.txt',
    )
    const r = await run(sandbox, 'pip install -r requirements.txt', 'proj')
    expect(r.exitCode).toBe(0)
    // tinydep's marker holds on wasi; winonly's (win32) does not.
    expect(r.result).toContain('Successfully installed Fancy-1.0 colorlib-1.5 hello-cli-1.0 tinydep-0.1')
    expect(r.result).not.toContain('winonly')
    expect((await run(sandbox, 'python3 -c "import fancy; print(fancy.f())"')).result).toBe('[fancy] tiny\n')
    const script = await run(sandbox, 'hello a "b c"; echo "exit=$?"; hello --fail; echo "exit=$?"; /usr/local/bin/hello x | cat')
    expect(script.result).toBe("hello from cli ['a', 'b c']\nexit=0\nhello from cli ['--fail']\nexit=3\nhello from cli ['x']\n")
    expect((await run(sandbox, 'hello-raw q')).result).toBe("raw script ['q']\n")
    expect((await run(sandbox, 'head -1 /usr/local/bin/hello; ls -l /usr/local/bin/hello | cut -c1-10')).result).toBe('#!/usr/bin/env python3\n-rwxr-xr-x\n')
    // The RECORD lists the scripts, so uninstall removes them.
    await run(sandbox, 'pip uninstall -y hello-cli')
    expect((await run(sandbox, 'ls /usr/local/bin; hello 2>&1; echo "exit=$?"')).result).toMatch(/exit=127\n$/)
  })

  it('skips an extra that is not asked for, and warns about unknown extras', async () => {
    await run(sandbox, 'pip uninstall -y fancy colorlib tinydep')
    const r = await run(sandbox, `pip install ${I} 'fancy[nope]'`)
    expect(r.result).toContain("WARNING: Fancy 1.0 does not provide the extra 'nope'")
    expect(r.result).toContain('Successfully installed Fancy-1.0 tinydep-0.1')
    expect((await run(sandbox, 'python3 -c "import fancy; print(fancy.f())"')).result).toBe('plain tiny\n')
    const extra = await run(sandbox, `pip install ${I} 'fancy[color]'`)
    expect(extra.result).toContain('Requirement already satisfied: fancy[color]')
    expect(extra.result).toContain('Successfully installed colorlib-1.5')
  })

  it('runs as python3 -m pip, pip3, with --no-deps, --target and --dry-run', async () => {
    expect((await run(sandbox, 'python3 -m pip --version')).result).toMatch(/^pip \S+ from daylite/)
    expect((await run(sandbox, 'pip install -U pip')).result).toBe("Requirement already satisfied: pip (daylite's pip is built in and is not installed from the index)\n")
    expect((await run(sandbox, 'python3 -m pip freeze')).result).toBe('colorlib==1.5\nFancy==1.0\ntinydep==0.1\n')
    const dry = await run(sandbox, `pip install ${I} --dry-run greet`)
    expect(dry.result).toContain('Would install greet-2.0')
    const noDeps = await run(sandbox, `python3 -m pip install ${I} --no-deps --target /tmp/t conflict-a`)
    expect(noDeps.result).toContain('Successfully installed conflict-a-1.0')
    expect((await run(sandbox, 'ls /tmp/t')).result).toBe('conflict_a\nconflict_a-1.0.dist-info\n')
    expect((await run(sandbox, 'cd /tmp/t && python3 -c "import conflict_a; print(conflict_a.__file__)"')).result).toBe('/tmp/t/conflict_a/__init__.py\n')
  })

  it('reports a dependency conflict with where each requirement came from', async () => {
    const r = await run(sandbox, `pip install ${I} greet==2.0 conflict-a; echo "exit=$?"`)
    expect(r.result).toContain('ERROR: Cannot install colorlib because these package versions have conflicting dependencies')
    expect(r.result).toContain('greet 2.0 depends on colorlib>=1.5')
    expect(r.result).toContain('conflict-a 1.0 depends on colorlib<1.5')
    expect(r.result).toContain('exit=1')
    expect((await run(sandbox, 'pip freeze')).result).toBe('colorlib==1.5\nFancy==1.0\ntinydep==0.1\n')
  })

  it('reads PIP_INDEX_URL from the sandbox environment and the HTML simple API', async () => {
    const sb = await daytona.create({ envVars: { PIP_INDEX_URL: `${index.origin}/html` } })
    const r = await run(sb, 'pip install tinydep && python3 -c "import tinydep; print(tinydep.NAME)"')
    expect(r.result).toContain('Successfully installed tinydep-0.1')
    expect(r.result).toMatch(/tiny\n$/)
    expect(index.requests).toContain('/html/tinydep/')
    await sb.delete()
    // A pip config file in the sandbox is read too ([global] index-url, [install] no-deps).
    const conf = await daytona.create()
    await conf.fs.uploadFile(Buffer.from(`[global]\nindex-url = ${index.url}\n\n[install]\nno-deps = yes\n`), '.config/pip/pip.conf')
    const c = await run(conf, 'pip install greet==1.0 && pip list --format=freeze')
    expect(c.result).toContain('Successfully installed greet-1.0')
    expect(c.result).toMatch(/\ngreet==1\.0\n$/)
    await conf.delete()
  })
})

describe('failures are clear and leave nothing behind', () => {
  it('says a native-only package needs the remote fallback', async () => {
    const r = await run(sandbox, `pip install ${I} nativepkg; echo "exit=$?"`)
    expect(r.result).toContain('ERROR: nativepkg 1.0 has native code')
    expect(r.result).toContain('cp313-cp313-manylinux_2_17_x86_64')
    expect(r.result).toContain("remote fallback: `target: 'remote'`")
    expect(r.result).toContain('exit=1')
  })

  it('says an sdist-only package cannot be built', async () => {
    const r = await run(sandbox, `pip install ${I} oldpkg; echo "exit=$?"`)
    expect(r.result).toContain('ERROR: oldpkg 1.0 is published only as a source distribution (oldpkg-1.0.tar.gz)')
    expect(r.result).toContain('exit=1')
  })

  it('reports an unknown project (404)', async () => {
    const r = await run(sandbox, `pip install ${I} no-such-project; echo "exit=$?"`)
    expect(r.result).toBe(
      'Collecting no-such-project\nERROR: Could not find a version that satisfies the requirement no-such-project (from versions: none)\nERROR: No matching distribution found for no-such-project\nexit=1\n',
    )
  })

  it('refuses a wheel whose hash does not match the index and installs nothing', async () => {
    const r = await run(sandbox, `pip install ${I} tinydep badhash; echo "exit=$?"`)
    expect(r.result).toContain('ERROR: THESE PACKAGES DO NOT MATCH THE HASHES FROM THE PACKAGE INDEX')
    expect(r.result).toContain(`badhash-1.0-py3-none-any.whl from ${index.origin}/files/badhash-1.0-py3-none-any.whl`)
    expect(r.result).toContain(`Expected sha256 ${'0'.repeat(64)}`)
    expect(r.result).toContain('exit=1')
    expect((await run(sandbox, `ls ${SITE} | grep -c badhash`)).result).toBe('0\n')
  })

  it('rolls back a failed install: a full disk leaves no file of it, not even of its dependencies', async () => {
    const sb = await daytona.create({ limits: { diskBytes: 2_000_000 } })
    const r = await run(sb, `pip install ${I} bigpkg; echo "exit=$?"`)
    expect(r.result).toContain('Installing collected packages: tinydep, bigpkg')
    expect(r.result).toContain('ERROR: Could not install packages due to an OSError: [Errno 28] No space left on device')
    expect(r.result).toContain('exit=1')
    expect((await run(sb, `ls -A ${SITE} 2>/dev/null; ls -A /usr/local/bin; pip list`)).result).toBe('')
    // The disk is usable afterwards, and an install that fits works.
    expect((await run(sb, `pip install ${I} tinydep`)).result).toContain('Successfully installed tinydep-0.1')
    await sb.delete()
  })

  it('with networkBlockAll, pip says the network is blocked and makes no request', async () => {
    const sb = await daytona.create({ networkBlockAll: true })
    const before = index.requests.length
    const r = await run(sb, `pip install ${I} tinydep; echo "exit=$?"`)
    expect(r.result).toContain('ERROR: network access is blocked for this sandbox (networkBlockAll)')
    expect(r.result).toContain('exit=1')
    expect(index.requests.length).toBe(before)
    await sb.delete()
  })

  it('with networkAllowList, only listed hosts are reached (redirects included)', async () => {
    const denied = await daytona.create({ networkAllowList: '10.0.0.0/8,192.168.1.0/24' })
    const r = await run(denied, `pip install ${I} tinydep; echo "exit=$?"`)
    expect(r.result).toContain(`ERROR: 127.0.0.1:${new URL(index.origin).port} is not in this sandbox's networkAllowList "10.0.0.0/8,192.168.1.0/24"`)
    await denied.delete()
    const allowed = await daytona.create({ networkAllowList: '127.0.0.1/32' })
    expect((await run(allowed, `pip install ${I} tinydep`)).result).toContain('Successfully installed tinydep-0.1')
    const port = new URL(index.origin).port
    const redirected = await run(allowed, `pip install ${index.origin}/redirect/127.0.0.2:${port}/files/colorlib-1.0-py3-none-any.whl; echo "exit=$?"`)
    expect(redirected.result).toContain(`ERROR: 127.0.0.2:${port} is not in this sandbox's networkAllowList "127.0.0.1/32"`)
    await allowed.delete()
  })
})

describe('local projects', () => {
  it('installs a pyproject.toml project (src layout) with its dependencies and script', async () => {
    const sb = await daytona.create()
    await sb.fs.uploadFiles(treeFiles('localproj', 'work/localproj'))
    const r = await run(sb, `pip install ${I} './localproj[cli]'`, 'work')
    expect(r.result).toContain('Processing ./localproj')
    expect(r.result).toContain('Successfully installed colorlib-1.5 localproj-0.3.0 tinydep-0.1')
    expect((await run(sb, `ls ${SITE}/localproj ${SITE}/localproj/templates`)).result).toBe(`${SITE}/localproj:\n__init__.py\ncli.py\ntemplates\n\n${SITE}/localproj/templates:\npage.html\n`)
    expect((await run(sb, 'python3 -c "import localproj; print(localproj.f())" && localtool z')).result).toBe("[local]\nlocaltool [local] ['z']\n")
    const show = await run(sb, 'pip show localproj')
    expect(show.result).toContain('Name: localproj\nVersion: 0.3.0\nSummary: A local project\nHome-page: https://example.com/localproj\nAuthor: \nAuthor-email: Lin <lin@example.com>')
    expect(show.result).toContain('Requires: colorlib\n')
    expect((await run(sb, 'pip freeze')).result).toBe('colorlib==1.5\nlocalproj @ file:///home/daytona/work/localproj\ntinydep==0.1\n')
    // A project configured only by setup.py is refused with the reason.
    await sb.fs.uploadFiles(treeFiles('setuppy_only', 'work/setuppy_only'))
    const old = await run(sb, 'pip install ./setuppy_only; echo "exit=$?"', 'work')
    expect(old.result).toContain('setup.py/setup.cfg')
    expect(old.result).toContain('exit=1')
    await sb.delete()
  })

  it('installs a project in editable mode (-e): source edits show without reinstalling', async () => {
    const sb = await daytona.create()
    await sb.fs.uploadFiles(treeFiles('flatproj', 'flatproj'))
    const r = await run(sb, 'pip install -e ./flatproj')
    expect(r.result).toContain('Successfully installed flat-proj-1.2.0')
    expect((await run(sb, 'cd /tmp && python3 -c "import flat_proj; print(flat_proj.f())"')).result).toBe('flat v1\n')
    await sb.fs.uploadFile(Buffer.from('def f():\n    return "flat version 2"\n'), 'flatproj/flat_proj/__init__.py')
    expect((await run(sb, 'cd /tmp && python3 -c "import flat_proj; print(flat_proj.f())"')).result).toBe("flat version 2\n")
    expect((await run(sb, 'pip freeze')).result).toBe('# Editable install with no version control (flat-proj==1.2.0)\n-e /home/daytona/flatproj\n')
    expect((await run(sb, 'pip list')).result).toBe('Package   Version Editable project location\n--------- ------- -------------------------\nflat-proj 1.2.0   /home/daytona/flatproj\n')
    await run(sb, 'pip uninstall -y flat-proj')
    expect((await run(sb, `ls ${SITE}; cd /tmp && python3 -c "import flat_proj" 2>&1 | tail -1`)).result).toBe("ModuleNotFoundError: No module named 'flat_proj'\n")
    await sb.delete()
  })

  it('installs a wheel file from the sandbox, offline with --no-index --find-links', async () => {
    const sb = await daytona.create({ networkBlockAll: true })
    const wheels = index.files.filter((f) => f.filename.endsWith('.whl') && ['greet', 'colorlib'].includes(f.project))
    await sb.fs.uploadFiles(wheels.map((f) => ({ source: Buffer.from(f.bytes), destination: `wheels/${f.filename}` })))
    const r = await run(sb, 'pip install --no-index --find-links wheels greet==1.0 && python3 -c "import greet; print(greet.f())"')
    expect(r.result).toContain('Successfully installed colorlib-1.5 greet-1.0')
    expect(r.result).toMatch(/\[hello\] 1\.5\n$/)
    const file = await run(sb, 'pip install --no-deps ./wheels/greet-2.0-py3-none-any.whl && pip freeze')
    expect(file.result).toContain('Successfully installed greet-2.0')
    expect(file.result).toContain('greet @ file:///home/daytona/wheels/greet-2.0-py3-none-any.whl')
    await sb.delete()
  })
})
