/* daylite: <sys/wait.h> for wasm32-wasi, which has no child processes.
   waitpid fails with ECHILD. */
#ifndef DAYLITE_WASI_SYS_WAIT_H
#define DAYLITE_WASI_SYS_WAIT_H
#include <errno.h>
#include <sys/types.h>
#define WNOHANG 1
#define WIFEXITED(s) (((s) & 0x7f) == 0)
#define WEXITSTATUS(s) (((s) >> 8) & 0xff)
#define WIFSIGNALED(s) (((s) & 0x7f) != 0 && ((s) & 0x7f) != 0x7f)
#define WTERMSIG(s) ((s) & 0x7f)
static inline pid_t waitpid(pid_t pid, int *status, int options) { (void)pid; (void)status; (void)options; errno = ECHILD; return -1; }
#endif
