/*
 * daylite_node.c: daylite's front-end of qjs.wasm, built as a WASI reactor.
 *
 * Exports (no parameters, i32 result):
 *   daylite_main()  QuickJS's own `qjs` command line (qjs.c compiled with -Dmain=qjs_main), argv from
 *                   WASI. The host calls _initialize() then daylite_main(); the result (or proc_exit)
 *                   is the exit code.
 *   daylite_init()  creates the runtime and context (std/os available to the prelude), installs the
 *                   module hooks and evaluates the Node prelude (node:internal/prelude.js, read from
 *                   /usr/lib/daylite/node/). 0 = ready. Writes nothing, leaves no file open. The host
 *                   may copy the linear memory afterwards and restore it for each run.
 *   daylite_run()   one `node` command line against the initialised (or restored) memory: re-reads the
 *                   environment, enters $PWD, reseeds Math.random, runs the prelude's main with argv
 *                   from WASI, the event loop to completion and the exit handlers. Returns the exit code.
 *   _start()        a convenience for hosts that only know WASI commands: daylite_init + daylite_run
 *                   when argv[0] is node/ts-node/tsx, daylite_main otherwise, then exit.
 *
 * Imports, besides wasi_snapshot_preview1: daylite.transpile (TypeScript -> JavaScript on the host).
 *
 * The prelude talks to this file through one native object (`__daylite`, taken off the global object
 * by the prelude): POSIX-style file calls that return a value or -errno (wasi-libc's errno numbers),
 * script/module evaluation with a file name, UTF-8, entropy, time, memory usage and exit. The prelude
 * puts its hooks on the same object (main, resolve, load, initMeta, runTicks, afterJobs, tick, finish,
 * onRejection, onFatal); this file runs the event loop by calling them.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <wasi/api.h>
#include <wasi/libc-environ.h>

#include "cutils.h"
#include "quickjs.h"
#include "quickjs-libc.h"

int qjs_main(int argc, char **argv);
extern void __wasm_call_ctors(void);

#define NODE_DIR "/usr/lib/daylite/node/"
#define INTERNAL "node:internal/"
#define PRELUDE INTERNAL "prelude.js"

__attribute__((import_module("daylite"), import_name("transpile")))
int32_t daylite_transpile(const char *src, int32_t src_len, const char *filename,
                          int32_t filename_len, char *out, int32_t out_cap);

static JSRuntime *rt;
static JSContext *ctx;
static JSValue native;      /* the native object, also holding the prelude's hooks */
static int hooks_ready;     /* the prelude installed resolve/load (after bootstrap) */
static int exiting;         /* process.exit() (or a fatal error) is unwinding */
static int exit_code;

enum { H_MAIN, H_RESOLVE, H_LOAD, H_INIT_META, H_RUN_TICKS, H_AFTER_JOBS, H_TICK, H_FINISH,
       H_ON_REJECTION, H_ON_FATAL, H_COUNT };
static const char *const hook_names[H_COUNT] = {
    "main", "resolve", "load", "initMeta", "runTicks", "afterJobs", "tick", "finish",
    "onRejection", "onFatal",
};
static JSValue hooks[H_COUNT];

/* ---- WASI helpers ------------------------------------------------------------------------ */

/* argv from WASI. Never freed: a host may point wasi-libc's cwd into this buffer. */
static char **wasi_argv(int *pargc)
{
    __wasi_size_t argc = 0, size = 0;
    char **argv;
    char *buf;
    *pargc = 0;
    if (__wasi_args_sizes_get(&argc, &size) != 0)
        return NULL;
    argv = calloc(argc + 1, sizeof(char *));
    buf = malloc(size ? size : 1);
    if (!argv || !buf || __wasi_args_get((uint8_t **)argv, (uint8_t *)buf) != 0)
        return NULL;
    argv[argc] = NULL;
    *pargc = (int)argc;
    return argv;
}

/* wasi-libc keeps the working directory in guest memory and never reads PWD. */
static void enter_pwd(void)
{
    const char *pwd = getenv("PWD");
    if (pwd && pwd[0] == '/')
        chdir(pwd);
}

static uint64_t entropy64(void)
{
    uint64_t v = 0;
    if (__wasi_random_get((uint8_t *)&v, sizeof v) != 0) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        v = (uint64_t)ts.tv_sec * 1000000007u ^ (uint64_t)ts.tv_nsec;
    }
    return v;
}

static int is_node_name(const char *argv0)
{
    const char *base = strrchr(argv0, '/');
    base = base ? base + 1 : argv0;
    return !strcmp(base, "node") || !strcmp(base, "nodejs") || !strcmp(base, "ts-node") ||
           !strcmp(base, "tsx");
}

/* ---- values --------------------------------------------------------------------------------- */

typedef struct {
    const uint8_t *p;
    size_t n;
    const char *cstr; /* to free, when the value was a string */
} Bytes;

/* A string (as UTF-8), an ArrayBuffer or a typed array. */
static int get_bytes(JSContext *c, JSValueConst v, Bytes *b)
{
    size_t off, len, bpe;
    JSValue ab;
    b->cstr = NULL;
    if (JS_IsString(v)) {
        b->cstr = JS_ToCStringLen(c, &b->n, v);
        if (!b->cstr)
            return -1;
        b->p = (const uint8_t *)b->cstr;
        return 0;
    }
    ab = JS_GetTypedArrayBuffer(c, v, &off, &len, &bpe);
    if (!JS_IsException(ab)) {
        size_t total;
        uint8_t *d = JS_GetArrayBuffer(c, &total, ab);
        JS_FreeValue(c, ab);
        if (!d)
            return -1;
        b->p = d + off;
        b->n = len;
        return 0;
    }
    JS_FreeValue(c, JS_GetException(c));
    b->p = JS_GetArrayBuffer(c, &b->n, v);
    return b->p ? 0 : -1;
}

static void free_bytes(JSContext *c, Bytes *b)
{
    if (b->cstr)
        JS_FreeCString(c, b->cstr);
}

static void free_ab(JSRuntime *r, void *opaque, void *ptr)
{
    (void)opaque;
    js_free_rt(r, ptr);
}

static JSValue neg_errno(void)
{
    return JS_NewInt32(ctx, -(errno ? errno : EIO));
}

/* ---- native functions for the prelude ------------------------------------------------------- */

/* evalScript(source, filename): a global script, so stack traces name the file. */
static JSValue n_eval_script(JSContext *c, JSValueConst this_val, int argc, JSValueConst *argv)
{
    size_t len;
    const char *src, *name;
    JSValue r;
    src = JS_ToCStringLen(c, &len, argv[0]);
    if (!src)
        return JS_EXCEPTION;
    name = JS_ToCString(c, argv[1]);
    if (!name) {
        JS_FreeCString(c, src);
        return JS_EXCEPTION;
    }
    r = JS_Eval(c, src, len, name, JS_EVAL_TYPE_GLOBAL);
    JS_FreeCString(c, src);
    JS_FreeCString(c, name);
    return r;
}

static int init_meta(JSContext *c, JSModuleDef *m, const char *name)
{
    JSValue meta, args[2], r;
    if (!hooks_ready)
        return 0;
    meta = JS_GetImportMeta(c, m);
    if (JS_IsException(meta))
        return -1;
    args[0] = meta;
    args[1] = JS_NewString(c, name);
    r = JS_Call(c, hooks[H_INIT_META], JS_UNDEFINED, 2, args);
    JS_FreeValue(c, args[1]);
    JS_FreeValue(c, meta);
    if (JS_IsException(r))
        return -1;
    JS_FreeValue(c, r);
    return 0;
}

/* evalModule(source, name) -> [evaluation promise, namespace] */
static JSValue n_eval_module(JSContext *c, JSValueConst this_val, int argc, JSValueConst *argv)
{
    size_t len;
    const char *src, *name;
    JSValue func, promise, ns, arr;
    JSModuleDef *m;
    src = JS_ToCStringLen(c, &len, argv[0]);
    if (!src)
        return JS_EXCEPTION;
    name = JS_ToCString(c, argv[1]);
    if (!name) {
        JS_FreeCString(c, src);
        return JS_EXCEPTION;
    }
    func = JS_Eval(c, src, len, name, JS_EVAL_TYPE_MODULE | JS_EVAL_FLAG_COMPILE_ONLY);
    JS_FreeCString(c, src);
    if (JS_IsException(func)) {
        JS_FreeCString(c, name);
        return func;
    }
    m = JS_VALUE_GET_PTR(func);
    if (init_meta(c, m, name) < 0) {
        JS_FreeCString(c, name);
        JS_FreeValue(c, func);
        return JS_EXCEPTION;
    }
    JS_FreeCString(c, name);
    promise = JS_EvalFunction(c, func); /* frees func */
    if (JS_IsException(promise))
        return promise;
    ns = JS_GetModuleNamespace(c, m);
    if (JS_IsException(ns)) {
        JS_FreeValue(c, promise);
        return ns;
    }
    arr = JS_NewArray(c);
    JS_SetPropertyUint32(c, arr, 0, promise);
    JS_SetPropertyUint32(c, arr, 1, ns);
    return arr;
}

/* importModule(specifier) -> promise of the namespace, like import() from the prelude (whose
   functions carry no debug information, so import() itself cannot name the importer) */
static JSValue n_import_module(JSContext *c, JSValueConst this_val, int argc, JSValueConst *argv)
{
    const char *name = JS_ToCString(c, argv[0]);
    JSValue r;
    if (!name)
        return JS_EXCEPTION;
    r = JS_LoadModule(c, PRELUDE, name);
    JS_FreeCString(c, name);
    return r;
}

/* transpile(source, filename) -> JavaScript, or throws SyntaxError with the host's message */
static JSValue n_transpile(JSContext *c, JSValueConst this_val, int argc, JSValueConst *argv)
{
    size_t len, flen;
    const char *src, *name;
    char small[16384], *out = small;
    int32_t cap = sizeof small, r;
    JSValue ret;
    src = JS_ToCStringLen(c, &len, argv[0]);
    if (!src)
        return JS_EXCEPTION;
    name = JS_ToCStringLen(c, &flen, argv[1]);
    if (!name) {
        JS_FreeCString(c, src);
        return JS_EXCEPTION;
    }
    for (;;) {
        r = daylite_transpile(src, (int32_t)len, name, (int32_t)flen, out, cap);
        int32_t need = r < 0 ? -r : r;
        if (need <= cap)
            break;
        if (out != small)
            free(out);
        out = malloc(need);
        cap = need;
        if (!out) {
            JS_FreeCString(c, src);
            JS_FreeCString(c, name);
            return JS_ThrowOutOfMemory(c);
        }
    }
    JS_FreeCString(c, src);
    JS_FreeCString(c, name);
    if (r >= 0) {
        ret = JS_NewStringLen(c, out, r);
    } else {
        /* new SyntaxError(message): the host's text names the line and column */
        JSValue msg = JS_NewStringLen(c, out, -r);
        JSValue global = JS_GetGlobalObject(c);
        JSValue ctor = JS_GetPropertyStr(c, global, "SyntaxError");
        JSValue err;
        JS_FreeValue(c, global);
        err = JS_CallConstructor(c, ctor, 1, (JSValueConst *)&msg);
        JS_FreeValue(c, ctor);
        JS_FreeValue(c, msg);
        ret = JS_IsException(err) ? err : JS_Throw(c, err);
    }
    if (out != small)
        free(out);
    return ret;
}

static int write_all(int fd, const uint8_t *p, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

/* write(fd, string | bytes) -> 0 | -errno */
static JSValue n_write(JSContext *c, JSValueConst this_val, int argc, JSValueConst *argv)
{
    int fd, rc;
    Bytes b;
    if (JS_ToInt32(c, &fd, argv[0]) || get_bytes(c, argv[1], &b))
        return JS_EXCEPTION;
    rc = write_all(fd, b.p, b.n);
    free_bytes(c, &b);
    return rc < 0 ? neg_errno() : JS_NewInt32(c, 0);
}

/* readFile(path | fd, asString) -> ArrayBuffer | string | -errno */
static JSValue n_read_file(JSContext *c, JSValueConst this_val, int argc, JSValueConst *argv)
{
    int fd, own = 0;
    uint8_t *buf = NULL;
    size_t len = 0, cap = 0;
    struct stat st;
    JSValue ret;
    if (JS_IsNumber(argv[0])) {
        if (JS_ToInt32(c, &fd, argv[0]))
            return JS_EXCEPTION;
    } else {
        const char *path = JS_ToCString(c, argv[0]);
        if (!path)
            return JS_EXCEPTION;
        fd = open(path, O_RDONLY);
        JS_FreeCString(c, path);
        if (fd < 0)
            return neg_errno();
        own = 1;
    }
    if (fstat(fd, &st) == 0) {
        if (S_ISDIR(st.st_mode)) {
            if (own)
                close(fd);
            return JS_NewInt32(c, -EISDIR);
        }
        if (S_ISREG(st.st_mode) && st.st_size > 0)
            cap = (size_t)st.st_size + 1;
    }
    if (cap < 4096)
        cap = 4096;
    buf = js_malloc_rt(rt, cap);
    if (!buf)
        goto oom;
    for (;;) {
        ssize_t r;
        if (len == cap) {
            uint8_t *nb = js_realloc_rt(rt, buf, cap * 2);
            if (!nb)
                goto oom;
            buf = nb;
            cap *= 2;
        }
        r = read(fd, buf + len, cap - len);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            ret = neg_errno();
            js_free_rt(rt, buf);
            if (own)
                close(fd);
            return ret;
        }
        if (r == 0)
            break;
        len += (size_t)r;
    }
    if (own)
        close(fd);
    if (JS_ToBool(c, argv[1])) {
        ret = JS_NewStringLen(c, (const char *)buf, len);
        js_free_rt(rt, buf);
        return ret;
    }
    return JS_NewArrayBuffer(c, buf, len, free_ab, NULL, 0);
oom:
    js_free_rt(rt, buf);
    if (own)
        close(fd);
    return JS_ThrowOutOfMemory(c);
}

/* writeFile(path | fd, data, flags, mode) -> 0 | -errno; flags: 1 append, 2 exclusive */
static JSValue n_write_file(JSContext *c, JSValueConst this_val, int argc, JSValueConst *argv)
{
    int fd, flags, mode, rc, own = 0;
    Bytes b;
    if (JS_ToInt32(c, &flags, argv[2]) || JS_ToInt32(c, &mode, argv[3]))
        return JS_EXCEPTION;
    if (JS_IsNumber(argv[0])) {
        if (JS_ToInt32(c, &fd, argv[0]))
            return JS_EXCEPTION;
    } else {
        const char *path = JS_ToCString(c, argv[0]);
        int of = O_WRONLY | O_CREAT | ((flags & 1) ? O_APPEND : O_TRUNC) | ((flags & 2) ? O_EXCL : 0);
        if (!path)
            return JS_EXCEPTION;
        fd = open(path, of, mode);
        JS_FreeCString(c, path);
        if (fd < 0)
            return neg_errno();
        own = 1;
    }
    if (get_bytes(c, argv[1], &b)) {
        if (own)
            close(fd);
        return JS_EXCEPTION;
    }
    rc = write_all(fd, b.p, b.n);
    free_bytes(c, &b);
    if (rc < 0) {
        JSValue e = neg_errno();
        if (own)
            close(fd);
        return e;
    }
    if (own && close(fd) < 0)
        return neg_errno();
    return JS_NewInt32(c, 0);
}

static int dirent_kind(unsigned char t)
{
    switch (t) {
    case DT_REG: return 1;
    case DT_DIR: return 2;
    case DT_LNK: return 3;
    case DT_CHR: return 4;
    case DT_BLK: return 5;
#ifdef DT_SOCK
    case DT_SOCK: return 6;
#endif
#ifdef DT_FIFO
    case DT_FIFO: return 7;
#endif
    default: return 0;
    }
}

/* readdir(path) -> [names, kinds] | -errno; kinds: 1 file 2 dir 3 symlink 4 chr 5 blk 6 sock 7 fifo 0 ? */
static JSValue n_readdir(JSContext *c, JSValueConst this_val, int argc, JSValueConst *argv)
{
    const char *path = JS_ToCString(c, argv[0]);
    DIR *d;
    struct dirent *e;
    JSValue names, kinds, ret;
    uint32_t i = 0;
    if (!path)
        return JS_EXCEPTION;
    d = opendir(path);
    JS_FreeCString(c, path);
    if (!d)
        return neg_errno();
    names = JS_NewArray(c);
    kinds = JS_NewArray(c);
    errno = 0;
    while ((e = readdir(d)) != NULL) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        JS_SetPropertyUint32(c, names, i, JS_NewString(c, e->d_name));
        JS_SetPropertyUint32(c, kinds, i, JS_NewInt32(c, dirent_kind(e->d_type)));
        i++;
    }
    if (errno) {
        ret = neg_errno();
        closedir(d);
        JS_FreeValue(c, names);
        JS_FreeValue(c, kinds);
        return ret;
    }
    closedir(d);
    ret = JS_NewArray(c);
    JS_SetPropertyUint32(c, ret, 0, names);
    JS_SetPropertyUint32(c, ret, 1, kinds);
    return ret;
}

static double ts_ms(struct timespec t)
{
    return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

static JSValue stat_array(JSContext *c, const struct stat *st)
{
    JSValue a = JS_NewArray(c);
    double v[13] = {
        (double)st->st_dev, (double)st->st_ino, (double)st->st_mode, (double)st->st_nlink,
        (double)st->st_uid, (double)st->st_gid, (double)st->st_rdev, (double)st->st_size,
        (double)st->st_blksize, (double)st->st_blocks, ts_ms(st->st_atim), ts_ms(st->st_mtim),
        ts_ms(st->st_ctim),
    };
    for (uint32_t i = 0; i < 13; i++)
        JS_SetPropertyUint32(c, a, i, JS_NewFloat64(c, v[i]));
    return a;
}

/* stat(path | fd, follow) -> [dev, ino, mode, nlink, uid, gid, rdev, size, blksize, blocks,
   atimeMs, mtimeMs, ctimeMs] | -errno */
static JSValue n_stat(JSContext *c, JSValueConst this_val, int argc, JSValueConst *argv)
{
    struct stat st;
    int rc;
    if (JS_IsNumber(argv[0])) {
        int fd;
        if (JS_ToInt32(c, &fd, argv[0]))
            return JS_EXCEPTION;
        rc = fstat(fd, &st);
    } else {
        const char *path = JS_ToCString(c, argv[0]);
        if (!path)
            return JS_EXCEPTION;
        rc = JS_ToBool(c, argv[1]) ? stat(path, &st) : lstat(path, &st);
        JS_FreeCString(c, path);
    }
    return rc < 0 ? neg_errno() : stat_array(c, &st);
}

/* Path calls returning 0 | -errno, by magic. */
enum { P_UNLINK, P_RMDIR, P_MKDIR, P_RENAME, P_SYMLINK, P_LINK, P_TRUNCATE, P_UTIMES, P_CHDIR };

static JSValue n_path_op(JSContext *c, JSValueConst this_val, int argc, JSValueConst *argv, int magic)
{
    const char *a = JS_ToCString(c, argv[0]), *b = NULL;
    int rc = -1;
    if (!a)
        return JS_EXCEPTION;
    switch (magic) {
    case P_UNLINK: rc = unlink(a); break;
    case P_RMDIR: rc = rmdir(a); break;
    case P_CHDIR: rc = chdir(a); break;
    case P_MKDIR: {
        int mode;
        if (JS_ToInt32(c, &mode, argv[1]))
            goto exc;
        rc = mkdir(a, mode);
        break;
    }
    case P_RENAME:
    case P_SYMLINK:
    case P_LINK:
        b = JS_ToCString(c, argv[1]);
        if (!b)
            goto exc;
        rc = magic == P_RENAME ? rename(a, b) : magic == P_SYMLINK ? symlink(a, b) : link(a, b);
        JS_FreeCString(c, b);
        break;
    case P_TRUNCATE: {
        int64_t len;
        if (JS_ToInt64(c, &len, argv[1]))
            goto exc;
        rc = truncate(a, len);
        break;
    }
    case P_UTIMES: {
        double at, mt;
        struct timespec ts[2];
        if (JS_ToFloat64(c, &at, argv[1]) || JS_ToFloat64(c, &mt, argv[2]))
            goto exc;
        ts[0].tv_sec = (time_t)(at / 1000);
        ts[0].tv_nsec = (long)((at - (double)ts[0].tv_sec * 1000) * 1e6);
        ts[1].tv_sec = (time_t)(mt / 1000);
        ts[1].tv_nsec = (long)((mt - (double)ts[1].tv_sec * 1000) * 1e6);
        rc = utimensat(AT_FDCWD, a, ts, 0);
        break;
    }
    }
    JS_FreeCString(c, a);
    return rc < 0 ? neg_errno() : JS_NewInt32(c, 0);
exc:
    JS_FreeCString(c, a);
    return JS_EXCEPTION;
}

static JSValue n_readlink(JSContext *c, JSValueConst this_val, int argc, JSValueConst *argv)
{
    char buf[4096];
    const char *path = JS_ToCString(c, argv[0]);
    ssize_t n;
    if (!path)
        return JS_EXCEPTION;
    n = readlink(path, buf, sizeof buf);
    JS_FreeCString(c, path);
    if (n < 0)
        return neg_errno();
    return JS_NewStringLen(c, buf, (size_t)n);
}

static JSValue n_getcwd(JSContext *c, JSValueConst this_val, int argc, JSValueConst *argv)
{
    char buf[4096];
    if (!getcwd(buf, sizeof buf))
        return neg_errno();
    return JS_NewString(c, buf);
}

/* open(path, flags, mode) -> fd | -errno (flags are the O_* values exported on this object) */
static JSValue n_open(JSContext *c, JSValueConst this_val, int argc, JSValueConst *argv)
{
    int flags, mode, fd;
    const char *path;
    if (JS_ToInt32(c, &flags, argv[1]) || JS_ToInt32(c, &mode, argv[2]))
        return JS_EXCEPTION;
    path = JS_ToCString(c, argv[0]);
    if (!path)
        return JS_EXCEPTION;
    fd = open(path, flags, mode);
    JS_FreeCString(c, path);
    return fd < 0 ? neg_errno() : JS_NewInt32(c, fd);
}

static JSValue n_close(JSContext *c, JSValueConst this_val, int argc, JSValueConst *argv)
{
    int fd;
    if (JS_ToInt32(c, &fd, argv[0]))
        return JS_EXCEPTION;
    return close(fd) < 0 ? neg_errno() : JS_NewInt32(c, 0);
}

/* read(fd, u8, offset, length, position) / pwrite-like write: bytes done | -errno; position < 0:
   the current file position. magic 0 read, 1 write. */
static JSValue n_fd_io(JSContext *c, JSValueConst this_val, int argc, JSValueConst *argv, int magic)
{
    int fd;
    int64_t off, len, pos;
    size_t boff, blen, bpe, total;
    JSValue ab;
    uint8_t *d;
    ssize_t r;
    if (JS_ToInt32(c, &fd, argv[0]) || JS_ToInt64(c, &off, argv[2]) || JS_ToInt64(c, &len, argv[3]) ||
        JS_ToInt64Ext(c, &pos, argv[4]))
        return JS_EXCEPTION;
    ab = JS_GetTypedArrayBuffer(c, argv[1], &boff, &blen, &bpe);
    if (JS_IsException(ab))
        return ab;
    d = JS_GetArrayBuffer(c, &total, ab);
    JS_FreeValue(c, ab);
    if (!d)
        return JS_EXCEPTION;
    if (off < 0 || len < 0 || (uint64_t)(off + len) > blen)
        return JS_ThrowRangeError(c, "offset or length out of range");
    d += boff + off;
    do {
        if (pos >= 0)
            r = magic ? pwrite(fd, d, (size_t)len, pos) : pread(fd, d, (size_t)len, pos);
        else
            r = magic ? write(fd, d, (size_t)len) : read(fd, d, (size_t)len);
    } while (r < 0 && errno == EINTR);
    return r < 0 ? neg_errno() : JS_NewInt64(c, r);
}

static JSValue n_ftruncate(JSContext *c, JSValueConst this_val, int argc, JSValueConst *argv)
{
    int fd;
    int64_t len;
    if (JS_ToInt32(c, &fd, argv[0]) || JS_ToInt64(c, &len, argv[1]))
        return JS_EXCEPTION;
    return ftruncate(fd, len) < 0 ? neg_errno() : JS_NewInt32(c, 0);
}

static JSValue n_isatty(JSContext *c, JSValueConst this_val, int argc, JSValueConst *argv)
{
    int fd;
    if (JS_ToInt32(c, &fd, argv[0]))
        return JS_EXCEPTION;
    return JS_NewBool(c, isatty(fd));
}

/* utf8Encode(string) -> ArrayBuffer (lone surrogates become U+FFFD, as in TextEncoder) */
static JSValue n_utf8_encode(JSContext *c, JSValueConst this_val, int argc, JSValueConst *argv)
{
    size_t len;
    const char *s = JS_ToCStringLen(c, &len, argv[0]);
    JSValue r;
    uint8_t *p;
    if (!s)
        return JS_EXCEPTION;
    r = JS_NewArrayBufferCopy(c, (const uint8_t *)s, len);
    JS_FreeCString(c, s);
    if (JS_IsException(r))
        return r;
    /* QuickJS writes a lone surrogate as its 3-byte form (ED A0..BF xx): make it EF BF BD */
    p = JS_GetArrayBuffer(c, &len, r);
    for (size_t i = 0; p && i + 2 < len; i++) {
        if (p[i] == 0xED && p[i + 1] >= 0xA0 && p[i + 1] <= 0xBF) {
            p[i] = 0xEF;
            p[i + 1] = 0xBF;
            p[i + 2] = 0xBD;
            i += 2;
        }
    }
    return r;
}

/* utf8Decode(bytes, start, end) -> string (invalid sequences become U+FFFD) */
static JSValue n_utf8_decode(JSContext *c, JSValueConst this_val, int argc, JSValueConst *argv)
{
    Bytes b;
    int64_t start, end;
    JSValue r;
    if (get_bytes(c, argv[0], &b))
        return JS_EXCEPTION;
    if (JS_ToInt64(c, &start, argv[1]) || JS_ToInt64(c, &end, argv[2])) {
        free_bytes(c, &b);
        return JS_EXCEPTION;
    }
    if (start < 0)
        start = 0;
    if (end > (int64_t)b.n)
        end = (int64_t)b.n;
    if (end < start)
        end = start;
    r = JS_NewStringLen(c, (const char *)b.p + start, (size_t)(end - start));
    free_bytes(c, &b);
    return r;
}

/* randomFill(typedArray): entropy from WASI random_get */
static JSValue n_random_fill(JSContext *c, JSValueConst this_val, int argc, JSValueConst *argv)
{
    size_t off, len, bpe, total;
    uint8_t *d;
    JSValue ab = JS_GetTypedArrayBuffer(c, argv[0], &off, &len, &bpe);
    if (JS_IsException(ab))
        return ab;
    d = JS_GetArrayBuffer(c, &total, ab);
    JS_FreeValue(c, ab);
    if (!d)
        return JS_EXCEPTION;
    d += off;
    while (len > 0) {
        size_t n = len > 65536 ? 65536 : len;
        if (__wasi_random_get(d, n) != 0)
            return JS_ThrowInternalError(c, "random_get failed");
        d += n;
        len -= n;
    }
    return JS_DupValue(c, argv[0]);
}

/* hrtime() -> [seconds, nanoseconds] of the monotonic clock */
static JSValue n_hrtime(JSContext *c, JSValueConst this_val, int argc, JSValueConst *argv)
{
    struct timespec ts;
    JSValue a = JS_NewArray(c);
    clock_gettime(CLOCK_MONOTONIC, &ts);
    JS_SetPropertyUint32(c, a, 0, JS_NewFloat64(c, (double)ts.tv_sec));
    JS_SetPropertyUint32(c, a, 1, JS_NewInt32(c, (int32_t)ts.tv_nsec));
    return a;
}

/* cpuTime() -> nanoseconds of CPU time of this process (the host's PROCESS_CPUTIME clock: time
 * since the process was made minus the time it spent blocked) */
static JSValue n_cpu_time(JSContext *c, JSValueConst this_val, int argc, JSValueConst *argv)
{
    __wasi_timestamp_t t = 0;
    (void)__wasi_clock_time_get(__WASI_CLOCKID_PROCESS_CPUTIME_ID, 0, &t);
    return JS_NewFloat64(c, (double)t);
}

/* memoryUsage() -> [rss (linear memory), heapTotal, heapUsed, external (array buffers)] */
static JSValue n_memory_usage(JSContext *c, JSValueConst this_val, int argc, JSValueConst *argv)
{
    JSMemoryUsage s;
    JSValue a = JS_NewArray(c);
    JS_ComputeMemoryUsage(rt, &s);
    JS_SetPropertyUint32(c, a, 0, JS_NewFloat64(c, (double)__builtin_wasm_memory_size(0) * 65536));
    JS_SetPropertyUint32(c, a, 1, JS_NewFloat64(c, (double)s.malloc_size));
    JS_SetPropertyUint32(c, a, 2, JS_NewFloat64(c, (double)s.memory_used_size));
    JS_SetPropertyUint32(c, a, 3, JS_NewFloat64(c, (double)s.binary_object_size));
    return a;
}

/* exit(code): unwinds everything (an uncatchable error) back to daylite_run */
static JSValue n_exit(JSContext *c, JSValueConst this_val, int argc, JSValueConst *argv)
{
    JSValue err;
    if (JS_ToInt32(c, &exit_code, argv[0]))
        exit_code = 1;
    exiting = 1;
    err = JS_NewError(c);
    JS_DefinePropertyValueStr(c, err, "message", JS_NewString(c, "process.exit"), JS_PROP_C_W_E);
    JS_SetUncatchableError(c, err, 1);
    return JS_Throw(c, err);
}

/* promiseState(value) -> -1 not a promise, 0 pending, 1 fulfilled, 2 rejected */
static JSValue n_promise_state(JSContext *c, JSValueConst this_val, int argc, JSValueConst *argv)
{
    return JS_NewInt32(c, (int)JS_PromiseState(c, (JSValue)argv[0]));
}

static JSValue n_promise_result(JSContext *c, JSValueConst this_val, int argc, JSValueConst *argv)
{
    return JS_PromiseResult(c, (JSValue)argv[0]);
}

static JSValue n_set_memory_limit(JSContext *c, JSValueConst this_val, int argc, JSValueConst *argv)
{
    double v;
    if (JS_ToFloat64(c, &v, argv[0]))
        return JS_EXCEPTION;
    JS_SetMemoryLimit(rt, v > 0 ? (size_t)v : 0);
    return JS_UNDEFINED;
}

static JSValue n_gc(JSContext *c, JSValueConst this_val, int argc, JSValueConst *argv)
{
    JS_RunGC(rt);
    return JS_UNDEFINED;
}

static JSValue n_sleep(JSContext *c, JSValueConst this_val, int argc, JSValueConst *argv)
{
    double ms;
    struct timespec ts;
    if (JS_ToFloat64(c, &ms, argv[0]))
        return JS_EXCEPTION;
    if (ms > 0) {
        ts.tv_sec = (time_t)(ms / 1000);
        ts.tv_nsec = (long)((ms - (double)ts.tv_sec * 1000) * 1e6);
        nanosleep(&ts, NULL);
    }
    return JS_UNDEFINED;
}

static JSValue n_strerror(JSContext *c, JSValueConst this_val, int argc, JSValueConst *argv)
{
    int e;
    if (JS_ToInt32(c, &e, argv[0]))
        return JS_EXCEPTION;
    return JS_NewString(c, strerror(e));
}

static const JSCFunctionListEntry native_funcs[] = {
    JS_CFUNC_DEF("evalScript", 2, n_eval_script),
    JS_CFUNC_DEF("evalModule", 2, n_eval_module),
    JS_CFUNC_DEF("importModule", 1, n_import_module),
    JS_CFUNC_DEF("transpile", 2, n_transpile),
    JS_CFUNC_DEF("write", 2, n_write),
    JS_CFUNC_DEF("readFile", 2, n_read_file),
    JS_CFUNC_DEF("writeFile", 4, n_write_file),
    JS_CFUNC_DEF("readdir", 1, n_readdir),
    JS_CFUNC_DEF("stat", 2, n_stat),
    JS_CFUNC_MAGIC_DEF("unlink", 1, n_path_op, P_UNLINK),
    JS_CFUNC_MAGIC_DEF("rmdir", 1, n_path_op, P_RMDIR),
    JS_CFUNC_MAGIC_DEF("mkdir", 2, n_path_op, P_MKDIR),
    JS_CFUNC_MAGIC_DEF("rename", 2, n_path_op, P_RENAME),
    JS_CFUNC_MAGIC_DEF("symlink", 2, n_path_op, P_SYMLINK),
    JS_CFUNC_MAGIC_DEF("link", 2, n_path_op, P_LINK),
    JS_CFUNC_MAGIC_DEF("truncate", 2, n_path_op, P_TRUNCATE),
    JS_CFUNC_MAGIC_DEF("utimes", 3, n_path_op, P_UTIMES),
    JS_CFUNC_MAGIC_DEF("chdir", 1, n_path_op, P_CHDIR),
    JS_CFUNC_DEF("readlink", 1, n_readlink),
    JS_CFUNC_DEF("getcwd", 0, n_getcwd),
    JS_CFUNC_DEF("open", 3, n_open),
    JS_CFUNC_DEF("close", 1, n_close),
    JS_CFUNC_MAGIC_DEF("read", 5, n_fd_io, 0),
    JS_CFUNC_MAGIC_DEF("writeFd", 5, n_fd_io, 1),
    JS_CFUNC_DEF("ftruncate", 2, n_ftruncate),
    JS_CFUNC_DEF("isatty", 1, n_isatty),
    JS_CFUNC_DEF("utf8Encode", 1, n_utf8_encode),
    JS_CFUNC_DEF("utf8Decode", 3, n_utf8_decode),
    JS_CFUNC_DEF("randomFill", 1, n_random_fill),
    JS_CFUNC_DEF("hrtime", 0, n_hrtime),
    JS_CFUNC_DEF("cpuTime", 0, n_cpu_time),
    JS_CFUNC_DEF("memoryUsage", 0, n_memory_usage),
    JS_CFUNC_DEF("exit", 1, n_exit),
    JS_CFUNC_DEF("promiseState", 1, n_promise_state),
    JS_CFUNC_DEF("promiseResult", 1, n_promise_result),
    JS_CFUNC_DEF("setMemoryLimit", 1, n_set_memory_limit),
    JS_CFUNC_DEF("gc", 0, n_gc),
    JS_CFUNC_DEF("sleep", 1, n_sleep),
    JS_CFUNC_DEF("strerror", 1, n_strerror),
    JS_PROP_INT32_DEF("O_RDONLY", O_RDONLY, 0),
    JS_PROP_INT32_DEF("O_WRONLY", O_WRONLY, 0),
    JS_PROP_INT32_DEF("O_RDWR", O_RDWR, 0),
    JS_PROP_INT32_DEF("O_CREAT", O_CREAT, 0),
    JS_PROP_INT32_DEF("O_EXCL", O_EXCL, 0),
    JS_PROP_INT32_DEF("O_TRUNC", O_TRUNC, 0),
    JS_PROP_INT32_DEF("O_APPEND", O_APPEND, 0),
    JS_PROP_INT32_DEF("O_DIRECTORY", O_DIRECTORY, 0),
    JS_PROP_INT32_DEF("O_NOFOLLOW", O_NOFOLLOW, 0),
    JS_PROP_INT32_DEF("O_SYNC", O_SYNC, 0),
};

/* ---- module hooks ---------------------------------------------------------------------------- */

static char *read_whole(const char *path, size_t *plen)
{
    FILE *f = fopen(path, "rb");
    char *buf;
    long n;
    if (!f)
        return NULL;
    if (fseek(f, 0, SEEK_END) < 0 || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) < 0) {
        fclose(f);
        return NULL;
    }
    buf = malloc((size_t)n + 1);
    if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
        free(buf);
        buf = NULL;
    }
    fclose(f);
    if (buf) {
        buf[n] = '\0';
        *plen = (size_t)n;
    }
    return buf;
}

static char *hook_normalize(JSContext *c, const char *base, const char *name, void *opaque)
{
    JSValue args[2], r;
    const char *s;
    char *out;
    (void)opaque;
    if (!hooks_ready) {
        /* bootstrap: the prelude's own modules, "./x.js" next to the importer */
        if (name[0] == '.' && name[1] == '/') {
            const char *slash = strrchr(base, '/');
            size_t dir = slash ? (size_t)(slash - base + 1) : 0;
            out = js_malloc(c, dir + strlen(name + 2) + 1);
            if (!out)
                return NULL;
            memcpy(out, base, dir);
            strcpy(out + dir, name + 2);
            return out;
        }
        return js_strdup(c, name);
    }
    args[0] = JS_NewString(c, base);
    args[1] = JS_NewString(c, name);
    r = JS_Call(c, hooks[H_RESOLVE], JS_UNDEFINED, 2, args);
    JS_FreeValue(c, args[0]);
    JS_FreeValue(c, args[1]);
    if (JS_IsException(r))
        return NULL;
    s = JS_ToCString(c, r);
    JS_FreeValue(c, r);
    if (!s)
        return NULL;
    out = js_strdup(c, s);
    JS_FreeCString(c, s);
    return out;
}

static JSModuleDef *hook_load(JSContext *c, const char *name, void *opaque)
{
    JSValue func;
    JSModuleDef *m;
    char *src = NULL;
    size_t len = 0;
    (void)opaque;
    if (!strncmp(name, INTERNAL, strlen(INTERNAL))) {
        char path[512];
        snprintf(path, sizeof path, "%s%s", NODE_DIR, name + strlen(INTERNAL));
        src = read_whole(path, &len);
        if (!src) {
            JS_ThrowReferenceError(c, "could not load module '%s'", name);
            return NULL;
        }
        func = JS_Eval(c, src, len, name, JS_EVAL_TYPE_MODULE | JS_EVAL_FLAG_COMPILE_ONLY);
        free(src);
    } else if (hooks_ready) {
        JSValue arg = JS_NewString(c, name);
        JSValue r = JS_Call(c, hooks[H_LOAD], JS_UNDEFINED, 1, &arg);
        const char *s;
        JS_FreeValue(c, arg);
        if (JS_IsException(r))
            return NULL;
        s = JS_ToCStringLen(c, &len, r);
        JS_FreeValue(c, r);
        if (!s)
            return NULL;
        func = JS_Eval(c, s, len, name, JS_EVAL_TYPE_MODULE | JS_EVAL_FLAG_COMPILE_ONLY);
        JS_FreeCString(c, s);
    } else {
        JS_ThrowReferenceError(c, "could not load module '%s'", name);
        return NULL;
    }
    if (JS_IsException(func))
        return NULL;
    m = JS_VALUE_GET_PTR(func);
    if (init_meta(c, m, name) < 0) {
        JS_FreeValue(c, func);
        return NULL;
    }
    /* the module is referenced by the runtime's module list */
    JS_FreeValue(c, func);
    return m;
}

/* ---- the event loop ------------------------------------------------------------------------ */

/* A last resort when the prelude itself cannot report an error. */
static void dump_plain(JSValueConst e)
{
    const char *s = JS_ToCString(ctx, e);
    fprintf(stderr, "%s\n", s ? s : "uncaught exception");
    JS_FreeCString(ctx, s);
    if (JS_IsObject(e)) {
        JSValue st = JS_GetPropertyStr(ctx, e, "stack");
        const char *t = JS_IsString(st) ? JS_ToCString(ctx, st) : NULL;
        if (t)
            fprintf(stderr, "%s", t);
        JS_FreeCString(ctx, t);
        JS_FreeValue(ctx, st);
    }
    fflush(stderr);
}

/* The pending exception: nothing when exiting, else the prelude's fatal-error path (prints Node's
   way and exits 1, or runs process.on('uncaughtException') handlers). */
static void report_exception(void)
{
    JSValue e = JS_GetException(ctx), r;
    if (exiting) {
        JS_FreeValue(ctx, e);
        return;
    }
    r = JS_Call(ctx, hooks[H_ON_FATAL], JS_UNDEFINED, 1, (JSValueConst *)&e);
    if (JS_IsException(r)) {
        JSValue e2 = JS_GetException(ctx);
        if (!exiting) {
            dump_plain(e);
            exit_code = 1;
            exiting = 1;
        }
        JS_FreeValue(ctx, e2);
    }
    JS_FreeValue(ctx, r);
    JS_FreeValue(ctx, e);
}

static JSValue call_hook(int h, int argc, JSValueConst *argv)
{
    JSValue r = JS_Call(ctx, hooks[h], JS_UNDEFINED, argc, argv);
    if (JS_IsException(r)) {
        report_exception();
        return JS_UNDEFINED;
    }
    return r;
}

static void on_rejection(JSContext *c, JSValueConst promise, JSValueConst reason, JS_BOOL handled,
                         void *opaque)
{
    JSValue args[3], r;
    (void)opaque;
    if (!hooks_ready || exiting)
        return;
    args[0] = (JSValue)promise;
    args[1] = (JSValue)reason;
    args[2] = JS_NewBool(c, handled);
    r = JS_Call(c, hooks[H_ON_REJECTION], JS_UNDEFINED, 3, args);
    if (JS_IsException(r))
        report_exception();
    JS_FreeValue(c, r);
}

/* process.nextTick callbacks, then promise jobs, until both queues are empty (Node's order). */
static void drain(void)
{
    for (;;) {
        JSValue r = call_hook(H_RUN_TICKS, 0, NULL);
        int more;
        JS_FreeValue(ctx, r);
        if (exiting)
            return;
        while (JS_IsJobPending(rt)) {
            JSContext *c1;
            if (JS_ExecutePendingJob(rt, &c1) < 0)
                report_exception();
            if (exiting)
                return;
        }
        r = call_hook(H_AFTER_JOBS, 0, NULL);
        more = JS_ToBool(ctx, r);
        JS_FreeValue(ctx, r);
        if (exiting || (!more && !JS_IsJobPending(rt)))
            return;
    }
}

static void run_loop(void)
{
    while (!exiting) {
        JSValue r;
        double delay = -1;
        drain();
        if (exiting)
            break;
        r = call_hook(H_TICK, 0, NULL);
        if (exiting)
            break;
        if (JS_ToFloat64(ctx, &delay, r))
            delay = -1;
        JS_FreeValue(ctx, r);
        if (delay < 0)
            break;
        if (delay > 0) {
            struct timespec ts;
            ts.tv_sec = (time_t)(delay / 1000);
            ts.tv_nsec = (long)((delay - (double)ts.tv_sec * 1000) * 1e6);
            nanosleep(&ts, NULL);
        }
    }
}

/* ---- exports ------------------------------------------------------------------------------ */

__attribute__((export_name("daylite_main"))) int daylite_main(void)
{
    int argc, code;
    char **argv = wasi_argv(&argc);
    if (!argv)
        return 70;
    enter_pwd();
    code = qjs_main(argc, argv);
    fflush(NULL);
    return code;
}

__attribute__((export_name("daylite_init"))) int daylite_init(void)
{
    char *src;
    size_t len;
    JSValue global, func, promise;
    int state;

    rt = JS_NewRuntime();
    if (!rt)
        return 2;
    JS_SetNodeCompat(rt, JS_NODE_COMPAT_STACK_HEADER | JS_NODE_COMPAT_RANGE_ERROR | JS_NODE_COMPAT_MESSAGES);
    js_std_init_handlers(rt);
    ctx = JS_NewContext(rt);
    if (!ctx)
        return 2;
    js_init_module_std(ctx, "std");
    js_init_module_os(ctx, "os");
    JS_SetModuleLoaderFunc(rt, hook_normalize, hook_load, NULL);
    JS_SetHostPromiseRejectionTracker(rt, on_rejection, NULL);

    native = JS_NewObject(ctx);
    JS_SetPropertyFunctionList(ctx, native, native_funcs, countof(native_funcs));
    global = JS_GetGlobalObject(ctx);
    JS_SetPropertyStr(ctx, global, "__daylite", JS_DupValue(ctx, native));
    JS_FreeValue(ctx, global);

    src = read_whole(NODE_DIR "prelude.js", &len);
    if (!src)
        return 3;
    /* the prelude's functions keep their line numbers, not their source text */
    JS_SetStripInfo(rt, JS_STRIP_SOURCE | JS_STRIP_DEBUG);
    func = JS_Eval(ctx, src, len, PRELUDE, JS_EVAL_TYPE_MODULE | JS_EVAL_FLAG_COMPILE_ONLY);
    free(src);
    if (JS_IsException(func))
        goto fail;
    promise = JS_EvalFunction(ctx, func);
    if (JS_IsException(promise))
        goto fail;
    while (JS_IsJobPending(rt)) {
        JSContext *c1;
        if (JS_ExecutePendingJob(rt, &c1) < 0)
            goto fail;
    }
    state = JS_PromiseState(ctx, promise);
    if (state == JS_PROMISE_REJECTED) {
        JS_Throw(ctx, JS_PromiseResult(ctx, promise));
        JS_FreeValue(ctx, promise);
        goto fail;
    }
    JS_FreeValue(ctx, promise);
    JS_SetStripInfo(rt, 0);
    for (int i = 0; i < H_COUNT; i++) {
        hooks[i] = JS_GetPropertyStr(ctx, native, hook_names[i]);
        if (!JS_IsFunction(ctx, hooks[i]))
            return 4;
    }
    hooks_ready = 1;
    JS_RunGC(rt);
    return 0;
fail:
    /* nothing may be written during init: the host runs cold and the error shows there */
    JS_FreeValue(ctx, JS_GetException(ctx));
    return 5;
}

__attribute__((export_name("daylite_run"))) int daylite_run(void)
{
    int argc;
    char **argv;
    JSValue arr, r;
    if (!hooks_ready)
        return 70;
    __wasilibc_deinitialize_environ();
    __wasilibc_initialize_environ();
    argv = wasi_argv(&argc);
    enter_pwd();
    JS_SetRandomSeed(ctx, entropy64());
    JS_UpdateStackTop(rt);
    exiting = 0;
    exit_code = 0;
    arr = JS_NewArray(ctx);
    for (int i = 0; i < argc; i++)
        JS_SetPropertyUint32(ctx, arr, (uint32_t)i, JS_NewString(ctx, argv[i]));
    r = call_hook(H_MAIN, 1, (JSValueConst *)&arr);
    JS_FreeValue(ctx, arr);
    JS_FreeValue(ctx, r);
    run_loop();
    if (!exiting) {
        r = call_hook(H_FINISH, 0, NULL);
        if (!exiting) {
            int code = 0;
            JS_ToInt32(ctx, &code, r);
            exit_code = code;
        }
        JS_FreeValue(ctx, r);
    }
    fflush(NULL);
    return exit_code;
}

__attribute__((export_name("_start"))) void daylite_start(void)
{
    int argc, code;
    char **argv;
    __wasm_call_ctors();
    argv = wasi_argv(&argc);
    if (argc > 0 && is_node_name(argv[0])) {
        code = daylite_init();
        if (code == 3) {
            fprintf(stderr, "node: %sprelude.js is missing: the node runtime files are not installed\n", NODE_DIR);
            exit(70);
        }
        if (code != 0) {
            fprintf(stderr, "node: the runtime could not start (daylite_init %d)\n", code);
            exit(70);
        }
        code = daylite_run();
    } else {
        code = daylite_main();
    }
    exit(code);
}
