/* daylite: <dlfcn.h> for wasm32-wasi, which cannot load native code.
   dlopen() always fails, so `import "x.so"` reports a clean error. */
#ifndef DAYLITE_WASI_DLFCN_H
#define DAYLITE_WASI_DLFCN_H
#define RTLD_LAZY 1
#define RTLD_NOW 2
#define RTLD_LOCAL 0
#define RTLD_GLOBAL 256
static inline void *dlopen(const char *file, int mode) { (void)file; (void)mode; return 0; }
static inline void *dlsym(void *handle, const char *name) { (void)handle; (void)name; return 0; }
static inline int dlclose(void *handle) { (void)handle; return 0; }
static inline char *dlerror(void) { return (char *)"native modules are not supported on wasm32-wasi"; }
#endif
