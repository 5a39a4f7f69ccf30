/**
 * `git config`, `rev-parse` and `help`.
 */
import { configBool } from '../config.js'
import { GitError, GitErrorCode } from '../errors.js'
import { type ConfigScope, type Repo, configPath, editConfig, getConfig, headState, openRepo, readConfig, relativeTo, upstreamOf } from '../repo.js'
import { resolveRevision } from '../rev.js'
import { flag, opt, parseArgs, usage } from './args.js'
import { type Cli, CliExit, repoOf } from './context.js'

function tryRepo(cli: Cli): Repo | undefined {
  try {
    return openRepo(cli.ctx, cli.cwd)
  } catch {
    return undefined
  }
}

/** `git config [--global|--local|--system] [--get|--get-all|--unset|--unset-all|--add|--list|--bool] <key> [<value>]` */
export async function configCmd(cli: Cli, argv: string[]): Promise<number> {
  const p = parseArgs('config', argv, [
    opt('global', 'flag', '--global'),
    opt('local', 'flag', '--local'),
    opt('system', 'flag', '--system'),
    opt('file', 'value', '-f', '--file'),
    opt('get', 'flag', '--get'),
    opt('getAll', 'flag', '--get-all'),
    opt('unset', 'flag', '--unset'),
    opt('unsetAll', 'flag', '--unset-all'),
    opt('add', 'flag', '--add'),
    opt('list', 'flag', '-l', '--list'),
    opt('bool', 'flag', '--bool'),
    opt('type', 'value', '--type'),
    opt('showOrigin', 'flag', '--show-origin'),
    opt('nameOnly', 'flag', '--name-only'),
    opt('removeSection', 'flag', '--remove-section'),
  ])
  if (p.opts.file !== undefined) throw usage("config --file is not supported by daylite's git (use --global, --local or --system)")
  const repo = tryRepo(cli)
  const explicit: ConfigScope | undefined = flag(p, 'global') ? 'global' : flag(p, 'system') ? 'system' : flag(p, 'local') ? 'local' : undefined
  if (explicit === 'local' && !repo) throw new CliExit(128, 'fatal: --local can only be used inside a git repository\n')
  const asBool = flag(p, 'bool') || p.opts.type === 'bool'
  const show = (v: string): string => {
    if (!asBool) return v
    const b = configBool(v)
    return b === undefined ? v : String(b)
  }
  if (flag(p, 'list')) {
    const scopes: ConfigScope[] = explicit ? [explicit] : repo ? ['system', 'global', 'local'] : ['system', 'global']
    let out = ''
    for (const s of scopes) {
      for (const e of readConfig(cli.ctx, s, repo).list()) {
        const origin = flag(p, 'showOrigin') ? `file:${configPath(cli.ctx, s, repo)}\t` : ''
        out += flag(p, 'nameOnly') ? `${origin}${e.key}\n` : `${origin}${e.key}=${e.value}\n`
      }
    }
    cli.io.out(out)
    return 0
  }
  if (flag(p, 'removeSection')) {
    const name = p.args[0] ?? ''
    const dot = name.indexOf('.')
    let removed = false
    editConfig(cli.ctx, explicit ?? 'local', (c) => (removed = dot > 0 ? c.removeSection(name.slice(0, dot), name.slice(dot + 1)) : c.removeSection(name)), repo)
    if (!removed) throw new CliExit(128, 'fatal: no such section!\n')
    return 0
  }
  const key = p.args[0]
  if (!key) throw usage('usage: git config [<options>] <key> [<value>]')
  const writeScope: ConfigScope = explicit ?? 'local'
  if (writeScope === 'local' && !repo && (p.args.length > 1 || flag(p, 'unset') || flag(p, 'unsetAll'))) {
    throw new CliExit(128, 'fatal: not in a git directory\n')
  }
  try {
    if (flag(p, 'unset') || flag(p, 'unsetAll')) {
      let n = 0
      editConfig(cli.ctx, writeScope, (c) => (n = c.unset(key)), repo)
      return n ? 0 : 5
    }
    if (p.args.length >= 2 && !flag(p, 'get') && !flag(p, 'getAll')) {
      const value = p.args[1] as string
      editConfig(cli.ctx, writeScope, (c) => (flag(p, 'add') ? c.add(key, value) : c.set(key, value)), repo)
      return 0
    }
    if (flag(p, 'getAll')) {
      const scopes: ConfigScope[] = explicit ? [explicit] : repo ? ['system', 'global', 'local'] : ['system', 'global']
      const values = scopes.flatMap((s) => readConfig(cli.ctx, s, repo).getAll(key))
      if (values.length === 0) return 1
      cli.io.out(values.map((v) => `${show(v)}\n`).join(''))
      return 0
    }
    const value = explicit ? readConfig(cli.ctx, explicit, repo).get(key) : getConfig(cli.ctx, key, repo)
    if (value === undefined) return 1
    cli.io.out(`${show(value)}\n`)
    return 0
  } catch (error) {
    if (error instanceof GitError && error.code === GitErrorCode.INVALID_ARGUMENT) throw new CliExit(1, `error: ${error.message}\n`)
    throw error
  }
}

/** `git rev-parse [--short[=n]] [--abbrev-ref] [--symbolic-full-name] [--verify] [-q] [--show-toplevel] [--git-dir] [--is-inside-work-tree] [--show-prefix] <rev>...` */
export async function revParse(cli: Cli, argv: string[]): Promise<number> {
  const repo = repoOf(cli)
  let shortLen = 0
  let abbrevRef = false
  let symbolicFull = false
  let quiet = false
  let out = ''
  for (const a of argv) {
    if (a === '--short') shortLen = 7
    else if (a.startsWith('--short=')) shortLen = Math.max(4, Number.parseInt(a.slice(8), 10) || 7)
    else if (a === '--abbrev-ref') abbrevRef = true
    else if (a === '--symbolic-full-name') symbolicFull = true
    else if (a === '--verify' || a === '--revs-only' || a === '--') continue
    else if (a === '-q' || a === '--quiet') quiet = true
    else if (a === '--show-toplevel') out += `${repo.dir}\n`
    else if (a === '--git-dir') out += `${cli.cwd === repo.dir && repo.gitdir === `${repo.dir}/.git` ? '.git' : repo.gitdir}\n`
    else if (a === '--absolute-git-dir') out += `${repo.gitdir}\n`
    else if (a === '--is-inside-work-tree') out += `${!repo.bare}\n`
    else if (a === '--is-bare-repository') out += `${repo.bare}\n`
    else if (a === '--show-prefix') {
      const rel = relativeTo(repo, cli.cwd)
      out += rel ? `${rel}/\n` : '\n'
    } else if (a === '--show-cdup') {
      const rel = relativeTo(repo, cli.cwd)
      out += rel ? `${'../'.repeat(rel.split('/').length)}\n` : '\n'
    } else if (a.startsWith('-')) throw usage(`unknown option \`${a.replace(/^-+/, '')}' (not supported by daylite's git rev-parse)`)
    else {
      const head = await headState(repo)
      if (abbrevRef || symbolicFull) {
        const up = /^(.*)@\{(u|upstream)\}$/.exec(a)
        if (up) {
          const branch = up[1] === '' || up[1] === 'HEAD' ? head.branch : up[1]
          const u = branch ? upstreamOf(repo, branch) : undefined
          if (!u) {
            if (quiet) return 1
            throw new CliExit(128, `fatal: no upstream configured for branch '${branch}'\n`)
          }
          out += abbrevRef ? `${u.tracking.replace(/^refs\/(remotes|heads)\//, '')}\n` : `${u.tracking}\n`
          continue
        }
        if (a === 'HEAD' || a === '@') {
          out += head.detached ? 'HEAD\n' : abbrevRef ? `${head.branch}\n` : `refs/heads/${head.branch}\n`
          continue
        }
      }
      try {
        const oid = await resolveRevision(repo, a)
        out += `${shortLen ? oid.slice(0, shortLen) : oid}\n`
      } catch (error) {
        if (quiet) return 1
        if (error instanceof GitError) throw new CliExit(128, `${a}\nfatal: ambiguous argument '${a}': unknown revision or path not in the working tree.\nUse '--' to separate paths from revisions, like this:\n'git <command> [<revision>...] -- [<file>...]'\n`)
        throw error
      }
    }
  }
  cli.io.out(out)
  return 0
}

/** The commands this `git` knows, for `git help`. */
export const HELP = `usage: git [-C <path>] [-c <name>=<value>] <command> [<args>]

daylite's git (isomorphic-git over the sandbox's files; HTTP(S) remotes) knows:

start a working area
   clone     Clone a repository into a new directory
   init      Create an empty Git repository or reinitialize an existing one

work on the current change
   add       Add file contents to the index
   mv        Move or rename a file
   restore   Restore working tree files
   rm        Remove files from the working tree and from the index

examine the history and state
   diff      Show changes between commits, commit and working tree, etc
   log       Show commit logs
   show      Show various types of objects
   status    Show the working tree status

grow, mark and tweak your common history
   branch    List, create, or delete branches
   commit    Record changes to the repository
   merge     Join two development histories together (fast-forward and clean merges)
   reset     Reset current HEAD to the specified state
   switch    Switch branches
   checkout  Switch branches or restore working tree files
   tag       Create, list or delete tags
   stash     Stash the changes in a dirty working directory away

collaborate
   fetch     Download objects and refs from another repository
   pull      Fetch from and integrate with another repository
   push      Update remote refs along with associated objects
   remote    Manage set of tracked repositories

plumbing
   config, rev-parse, ls-files
`

