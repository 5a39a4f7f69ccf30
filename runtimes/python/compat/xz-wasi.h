/* Force-included when building liblzma (xz-utils) for wasm32-wasi.
 * liblzma's single-threaded build (src/common/mythread.h) blocks signals with sigprocmask();
 * wasi-libc declares sigset_t but no signal-mask functions, and a WASI program has no
 * asynchronous signals to block, so the mask operations are no-ops. */
#ifndef DAYLITE_XZ_WASI_H
#define DAYLITE_XZ_WASI_H
#include <signal.h>
#include <__typedef_sigset_t.h>
#ifndef SIG_BLOCK
#define SIG_BLOCK 0
#define SIG_UNBLOCK 1
#define SIG_SETMASK 2
#endif
static inline int daylite_sigprocmask(int how, const sigset_t *set, sigset_t *oset) {
  (void)how; (void)set;
  if (oset) *oset = 0;
  return 0;
}
static inline int daylite_sigfillset(sigset_t *set) { *set = (sigset_t)~0u; return 0; }
#define sigprocmask daylite_sigprocmask
#define sigfillset daylite_sigfillset
#endif
