/* daylite: declarations that quickjs-libc.c needs and wasi-libc (2022) lacks.
   Force-included (-include) when compiling quickjs-libc.c only; the
   definitions are in wasi_compat.c. Process, signal and pipe calls fail with
   ENOSYS, so os.exec/std.popen throw a JS error instead of failing to link. */
#ifndef DAYLITE_WASI_COMPAT_H
#define DAYLITE_WASI_COMPAT_H
#include <stdio.h>
#include <sys/types.h>

struct winsize {
    unsigned short ws_row, ws_col, ws_xpixel, ws_ypixel;
};
#define TIOCGWINSZ 0x5413

FILE *popen(const char *command, const char *mode);
int pclose(FILE *f);
char *realpath(const char *path, char *resolved);
pid_t fork(void);
int execve(const char *path, char *const argv[], char *const envp[]);
int pipe(int fds[2]);
int dup(int fd);
int dup2(int oldfd, int newfd);
int kill(pid_t pid, int sig);
int setuid(uid_t uid);
int setgid(gid_t gid);
#endif
