/* daylite: definitions for wasi_compat.h, plus tmpfile(), which wasi-libc
   (2022) declares but does not define. WASI preview 1 has no processes,
   pipes, signals or users: those calls fail with ENOSYS. */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "wasi_compat.h"

FILE *popen(const char *command, const char *mode) { (void)command; (void)mode; errno = ENOSYS; return NULL; }
int pclose(FILE *f) { (void)f; errno = ENOSYS; return -1; }
FILE *tmpfile(void) { errno = ENOSYS; return NULL; }
pid_t fork(void) { errno = ENOSYS; return -1; }
int execve(const char *path, char *const argv[], char *const envp[]) { (void)path; (void)argv; (void)envp; errno = ENOSYS; return -1; }
int pipe(int fds[2]) { (void)fds; errno = ENOSYS; return -1; }
int dup(int fd) { (void)fd; errno = ENOSYS; return -1; }
int dup2(int oldfd, int newfd) { (void)oldfd; (void)newfd; errno = ENOSYS; return -1; }
int kill(pid_t pid, int sig) { (void)pid; (void)sig; errno = ENOSYS; return -1; }
int setuid(uid_t uid) { (void)uid; errno = ENOSYS; return -1; }
int setgid(gid_t gid) { (void)gid; errno = ENOSYS; return -1; }

/* Lexical realpath: makes `path` absolute against getcwd() and folds "." and
   "..". It does not follow symlinks (WASI preopens have no global view of
   them); QuickJS uses it only to name modules (import.meta.url). */
char *realpath(const char *path, char *resolved)
{
    char tmp[PATH_MAX];
    size_t len = 0;
    const char *p;

    if (!path) {
        errno = EINVAL;
        return NULL;
    }
    if (path[0] != '/') {
        if (!getcwd(tmp, sizeof(tmp)))
            return NULL;
        len = strlen(tmp);
        if (len == 1)
            len = 0; /* cwd is "/" */
    }
    p = path;
    while (*p) {
        const char *seg;
        size_t n;
        while (*p == '/')
            p++;
        seg = p;
        while (*p && *p != '/')
            p++;
        n = (size_t)(p - seg);
        if (n == 0 || (n == 1 && seg[0] == '.'))
            continue;
        if (n == 2 && seg[0] == '.' && seg[1] == '.') {
            while (len > 0 && tmp[len - 1] != '/')
                len--;
            if (len > 0)
                len--; /* drop the slash too */
            continue;
        }
        if (len + 1 + n >= sizeof(tmp)) {
            errno = ENAMETOOLONG;
            return NULL;
        }
        tmp[len++] = '/';
        memcpy(tmp + len, seg, n);
        len += n;
    }
    if (len == 0)
        tmp[len++] = '/';
    tmp[len] = '\0';
    if (!resolved) {
        resolved = malloc(len + 1);
        if (!resolved) {
            errno = ENOMEM;
            return NULL;
        }
    }
    memcpy(resolved, tmp, len + 1);
    return resolved;
}
