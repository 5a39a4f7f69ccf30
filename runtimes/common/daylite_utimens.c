/*
 * daylite: utimensat()/futimens() for Debian bookworm's wasi-libc (0.0~git20220510.9886d3d), linked
 * into python.wasm and qjs.wasm ahead of libc.a so that its futimens.o and utimensat.o are never
 * pulled in.
 *
 * Why: in that wasi-libc, utimens_get_timestamps() (cloudlibc's stat_impl.h) leaves the
 * timestamps uninitialised for `times == NULL` and for UTIME_NOW, then passes them to the WASI
 * call. The compiled libc.a (disassembled: futimens.o, utimensat.o) has no NULL check left, most
 * likely because clang treats that use of uninitialised values as undefined behaviour. So
 * futimens(fd, NULL) and utimensat(..., NULL, ...) read times[0] and times[1] from address 0 and
 * reach the host as "set both to those (zero) values", not as ATIM_NOW | MTIM_NOW: os.utime(p)
 * and Path.touch() set the epoch. A UTIME_NOW in a times array fails with EINVAL.
 *
 * __wasilibc_nocwd_utimensat is what utimensat(), __wasilibc_utimens(), utime(), utimes() and
 * futimesat() all end in; futimens() is the fd form. Same semantics as cloudlibc's, without the bug.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>
#include <wasi/api.h>
#include <wasi/libc-nocwd.h>

#define NSEC_PER_SEC 1000000000ull

/* One timespec into a timestamp and its fst_flags (SET, NOW or none for UTIME_OMIT). */
static bool one_time(const struct timespec *t, __wasi_fstflags_t set, __wasi_fstflags_t now,
                     __wasi_timestamp_t *ts, __wasi_fstflags_t *flags) {
    *ts = 0;
    if (t->tv_nsec == UTIME_NOW) {
        *flags |= now;
    } else if (t->tv_nsec != UTIME_OMIT) {
        /* WASI timestamps are unsigned nanoseconds since the epoch. */
        if (t->tv_nsec < 0 || t->tv_nsec >= (long)NSEC_PER_SEC || t->tv_sec < 0 ||
            (unsigned long long)t->tv_sec > (UINT64_MAX - (unsigned long long)t->tv_nsec) / NSEC_PER_SEC)
            return false;
        *ts = (__wasi_timestamp_t)t->tv_sec * NSEC_PER_SEC + (__wasi_timestamp_t)t->tv_nsec;
        *flags |= set;
    }
    return true;
}

/* NULL means "both now" (POSIX); otherwise each time is a value, UTIME_NOW or UTIME_OMIT. */
static bool timestamps(const struct timespec *times, __wasi_timestamp_t *atim, __wasi_timestamp_t *mtim,
                       __wasi_fstflags_t *flags) {
    *flags = 0;
    if (times == NULL) {
        *atim = *mtim = 0;
        *flags = __WASI_FSTFLAGS_ATIM_NOW | __WASI_FSTFLAGS_MTIM_NOW;
        return true;
    }
    return one_time(&times[0], __WASI_FSTFLAGS_ATIM, __WASI_FSTFLAGS_ATIM_NOW, atim, flags) &&
           one_time(&times[1], __WASI_FSTFLAGS_MTIM, __WASI_FSTFLAGS_MTIM_NOW, mtim, flags);
}

int __wasilibc_nocwd_utimensat(int fd, const char *path, const struct timespec times[2], int flag) {
    __wasi_timestamp_t atim, mtim;
    __wasi_fstflags_t flags;
    if (!timestamps(times, &atim, &mtim, &flags)) {
        errno = EINVAL;
        return -1;
    }
    __wasi_lookupflags_t lookup = (flag & AT_SYMLINK_NOFOLLOW) ? 0 : __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW;
    /* wasi-libc's errno values are WASI's. */
    __wasi_errno_t error = __wasi_path_filestat_set_times(fd, lookup, path, atim, mtim, flags);
    if (error != 0) {
        errno = error;
        return -1;
    }
    return 0;
}

int futimens(int fd, const struct timespec times[2]) {
    __wasi_timestamp_t atim, mtim;
    __wasi_fstflags_t flags;
    if (!timestamps(times, &atim, &mtim, &flags)) {
        errno = EINVAL;
        return -1;
    }
    __wasi_errno_t error = __wasi_fd_filestat_set_times(fd, atim, mtim, flags);
    if (error != 0) {
        errno = error;
        return -1;
    }
    return 0;
}
