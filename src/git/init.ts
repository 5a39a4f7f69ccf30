/**
 * `init`: an empty repository with git's layout and default configuration.
 */
import { type GitContext, getConfig, join, writeText } from './repo.js'

/** Creates an empty repository (git's layout and default config). */
export async function initRepo(ctx: GitContext, dir: string, options: { bare?: boolean; initialBranch?: string } = {}): Promise<{ reinitialized: boolean; gitdir: string }> {
  const vfs = ctx.vfs
  const gitdir = options.bare ? dir : join(dir, '.git')
  const reinitialized = vfs.exists(join(gitdir, 'HEAD'))
  vfs.mkdir(gitdir, { recursive: true })
  for (const d of ['objects/info', 'objects/pack', 'refs/heads', 'refs/tags', 'info', 'hooks']) vfs.mkdir(join(gitdir, d), { recursive: true })
  if (!reinitialized) {
    const branch = options.initialBranch || getConfig(ctx, 'init.defaultBranch') || 'master'
    writeText(vfs, join(gitdir, 'HEAD'), `ref: refs/heads/${branch}\n`)
    writeText(vfs, join(gitdir, 'config'), `[core]\n\trepositoryformatversion = 0\n\tfilemode = true\n\tbare = ${options.bare ? 'true' : 'false'}\n\tlogallrefupdates = true\n`)
    writeText(vfs, join(gitdir, 'description'), "Unnamed repository; edit this file 'description' to name the repository.\n")
    writeText(vfs, join(gitdir, 'info/exclude'), "# git ls-files --others --exclude-from=.git/info/exclude\n# Lines that start with '#' are comments.\n# For a project mostly in C, the following would be a\n# good set of exclude patterns (uncomment them if you want to use them):\n# *.[oa]\n# *~\n")
  }
  return { reinitialized, gitdir }
}
