/*
 * daylite's front end for CPython on wasm32-wasi, linked as a WASI *reactor* instead of
 * Programs/python.c's `main`. The host calls `_initialize` (wasi-libc's constructors) and then:
 *
 *   daylite_main()  a cold run: the stock command line, Py_BytesMain(argc, argv) with argv from WASI.
 *   daylite_init()  initialise the interpreter in a neutral environment and pre-import modules, then
 *                   return 0 so that the host can copy the linear memory (a snapshot).
 *   daylite_run()   run this process's argv/env/cwd/stdio from that initialised state, in the same
 *                   instance or in a fresh one whose memory was overwritten with the snapshot.
 *
 * Each returns the exit code (a SystemExit that CPython turns into exit() ends in proc_exit
 * instead). The run logic lives in daylite_run.py, compiled into the `_daylite` module at init;
 * this file only hands it argv and the environment and then runs the program the way
 * Modules/main.c does (so that no frame of ours sits under the user's code). See README.md.
 */
#include <Python.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/times.h>
#include <time.h>
#include <unistd.h>
#include <wasi/api.h>
#include <wasi/libc-environ.h>

#define EXPORT(name) __attribute__((export_name(#name)))

/* Exit codes for failures of the front end itself (sysexits.h). */
#define EX_SOFTWARE 70
#define EX_OSERR 71

extern char **environ;

/* Python/pythonrun.c (3.13; not in the public headers): what pymain_run_command() calls, so that
 * the source of -c shows in tracebacks. */
int _PyRun_SimpleStringFlagsWithName(const char *command, const char *name, PyCompilerFlags *flags);

/* daylite_run.py, NUL-terminated (C23 #embed; clang >= 19). */
static const char RUN_SOURCE[] = {
#embed "daylite_run.py"
    , 0};

/*
 * argv as the host passes it. Never freed: a host may point wasi-libc's `__wasilibc_cwd` into
 * the argv buffer (docs/decisions/0004), so it must live as long as the process.
 */
static char **wasi_argv(int *argc) {
  __wasi_size_t n = 0, size = 0;
  if (__wasi_args_sizes_get(&n, &size) != __WASI_ERRNO_SUCCESS) return NULL;
  char **argv = calloc((size_t)n + 1, sizeof(char *));
  char *buf = malloc(size > 0 ? size : 1);
  if (argv == NULL || buf == NULL) return NULL;
  if (n > 0 && __wasi_args_get((uint8_t **)argv, (uint8_t *)buf) != __WASI_ERRNO_SUCCESS) return NULL;
  *argc = (int)n;
  return argv;
}

/* wasi-libc keeps the working directory in guest memory and starts in "/"; the host says where
 * the program runs through PWD. */
static void enter_pwd(void) {
  const char *pwd = getenv("PWD");
  if (pwd != NULL && pwd[0] == '/') (void)chdir(pwd);
}

/*
 * Process CPU clocks. wasi-libc's emulation (libwasi-emulated-process-clocks, which these
 * definitions replace) counts monotonic time from a constructor, which in a restored snapshot is
 * the init process's moment on another host thread's clock. These ask the host's
 * PROCESS_CPUTIME clock instead: daylite's WASI layer counts it from the start of this process
 * (each run) minus the time the process spent blocked (sleeping, waiting for input or for a pipe),
 * so `time.sleep` does not count as CPU time. Units are the ones the headers promise
 * (CLOCKS_PER_SEC, sysconf(_SC_CLK_TCK)). All of it is user time.
 */
static __wasi_timestamp_t monotonic_ns(void) {
  __wasi_timestamp_t t = 0;
  (void)__wasi_clock_time_get(__WASI_CLOCKID_MONOTONIC, 0, &t);
  return t;
}

static __wasi_timestamp_t cpu_ns(void) {
  __wasi_timestamp_t t = 0;
  (void)__wasi_clock_time_get(__WASI_CLOCKID_PROCESS_CPUTIME_ID, 0, &t);
  return t;
}

clock_t clock(void) { return (clock_t)(cpu_ns() / (1000000000ull / CLOCKS_PER_SEC)); }

clock_t times(struct tms *buf) {
  long hz = sysconf(_SC_CLK_TCK);
  __wasi_timestamp_t per_tick = 1000000000ull / (__wasi_timestamp_t)(hz > 0 ? hz : 100);
  *buf = (struct tms){.tms_utime = (clock_t)(cpu_ns() / per_tick)};
  return (clock_t)(monotonic_ns() / per_tick);
}

int getrusage(int who, struct rusage *usage) {
  if (who != RUSAGE_SELF && who != RUSAGE_CHILDREN) {
    errno = EINVAL;
    return -1;
  }
  __wasi_timestamp_t ns = who == RUSAGE_SELF ? cpu_ns() : 0;
  *usage = (struct rusage){.ru_utime = {.tv_sec = (time_t)(ns / 1000000000ull), .tv_usec = (suseconds_t)(ns % 1000000000ull / 1000)}};
  return 0;
}

EXPORT(daylite_main)
int daylite_main(void) {
  int argc = 0;
  char **argv = wasi_argv(&argc);
  if (argv == NULL) return EX_OSERR;
  enter_pwd();
  int code = Py_BytesMain(argc, argv);
  fflush(NULL);
  return code;
}

/* ---- the `_daylite` module: daylite_run.py plus one helper that needs C ---- */

/*
 * make_flags(values): a new sys.flags (a struct sequence Python code cannot construct) whose
 * visible fields are `values`; hidden fields (`gil`) are copied from the current one.
 */
static PyObject *make_flags(PyObject *self, PyObject *values) {
  (void)self;
  PyObject *old = PySys_GetObject("flags"); /* borrowed */
  if (old == NULL || !PyTuple_Check(values) || PyTuple_GET_SIZE(values) != PyTuple_GET_SIZE(old)) {
    PyErr_SetString(PyExc_ValueError, "make_flags() takes a tuple as long as sys.flags");
    return NULL;
  }
  PyObject *n_fields = PyObject_GetAttrString((PyObject *)Py_TYPE(old), "n_fields");
  if (n_fields == NULL) return NULL;
  Py_ssize_t all = PyLong_AsSsize_t(n_fields);
  Py_DECREF(n_fields);
  if (all < 0) return NULL;
  PyObject *flags = PyStructSequence_New(Py_TYPE(old));
  if (flags == NULL) return NULL;
  Py_ssize_t visible = PyTuple_GET_SIZE(values);
  for (Py_ssize_t i = 0; i < all; i++) {
    PyObject *v = i < visible ? PyTuple_GET_ITEM(values, i) : PyStructSequence_GetItem(old, i);
    PyStructSequence_SetItem(flags, i, Py_XNewRef(v));
  }
  return flags;
}

static PyMethodDef daylite_methods[] = {
    {"make_flags", make_flags, METH_O, "A sys.flags struct sequence with the given values."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef daylite_module = {
    PyModuleDef_HEAD_INIT, "_daylite", "daylite's snapshot front end (daylite_run.py).", -1, daylite_methods,
};

/* Creates `_daylite` in sys.modules and executes daylite_run.py in it. */
static PyObject *load_front_end(void) {
  PyObject *m = PyModule_Create(&daylite_module);
  if (m == NULL) return NULL;
  PyObject *d = PyModule_GetDict(m);
  PyObject *code = Py_CompileString(RUN_SOURCE, "<daylite>", Py_file_input);
  PyObject *r = NULL;
  if (code != NULL && PyDict_SetItemString(d, "__builtins__", PyEval_GetBuiltins()) == 0) {
    r = PyEval_EvalCode(code, d, d);
  }
  Py_XDECREF(code);
  if (r == NULL) {
    Py_DECREF(m);
    return NULL;
  }
  Py_DECREF(r);
  PyObject *modules = PyImport_GetModuleDict(); /* borrowed */
  if (PyDict_SetItemString(modules, "_daylite", m) < 0) {
    Py_DECREF(m);
    return NULL;
  }
  return m;
}

static PyObject *front_end(void) {
  PyObject *modules = PyImport_GetModuleDict();
  return PyDict_GetItemString(modules, "_daylite"); /* borrowed */
}

/* A failed initialisation: say why (the host then only runs cold). */
static int init_failed(PyStatus status) {
  if (PyStatus_IsExit(status)) return status.exitcode != 0 ? status.exitcode : EX_SOFTWARE;
  fprintf(stderr, "daylite_init: %s%s%s\n", status.func != NULL ? status.func : "", status.func != NULL ? ": " : "",
          status.err_msg != NULL ? status.err_msg : "failed");
  return EX_SOFTWARE;
}

/*
 * Initialise exactly as Py_BytesMain does for `python3` with no arguments (Modules/main.c,
 * pymain_init), then let daylite_run.py import the common modules. Returns 0 when the memory may
 * be copied.
 */
EXPORT(daylite_init)
int daylite_init(void) {
  int argc = 0;
  char **argv = wasi_argv(&argc);
  if (argv == NULL) return EX_OSERR;
  enter_pwd();

  PyPreConfig preconfig;
  PyPreConfig_InitPythonConfig(&preconfig);
  PyStatus status = Py_PreInitializeFromBytesArgs(&preconfig, argc, argv);
  if (PyStatus_Exception(status)) return init_failed(status);

  PyConfig config;
  PyConfig_InitPythonConfig(&config);
  status = PyConfig_SetBytesArgv(&config, argc, argv);
  if (!PyStatus_Exception(status)) status = Py_InitializeFromConfig(&config);
  PyConfig_Clear(&config);
  if (PyStatus_Exception(status)) return init_failed(status);

  PyObject *m = load_front_end();
  PyObject *r = m != NULL ? PyObject_CallMethod(m, "init", NULL) : NULL;
  if (r == NULL) {
    PyErr_Print();
    return EX_SOFTWARE;
  }
  int code = PyLong_Check(r) ? (int)PyLong_AsLong(r) : EX_SOFTWARE;
  Py_DECREF(r);
  return code;
}

/* The process's environment as a list of b"KEY=VALUE". */
static PyObject *environ_list(void) {
  PyObject *list = PyList_New(0);
  if (list == NULL) return NULL;
  for (char **e = environ; e != NULL && *e != NULL; e++) {
    PyObject *b = PyBytes_FromString(*e);
    if (b == NULL || PyList_Append(list, b) < 0) {
      Py_XDECREF(b);
      Py_DECREF(list);
      return NULL;
    }
    Py_DECREF(b);
  }
  return list;
}

static PyObject *argv_list(int argc, char **argv) {
  PyObject *list = PyList_New(argc);
  if (list == NULL) return NULL;
  for (int i = 0; i < argc; i++) {
    PyObject *b = PyBytes_FromString(argv[i]);
    if (b == NULL) {
      Py_DECREF(list);
      return NULL;
    }
    PyList_SET_ITEM(list, i, b);
  }
  return list;
}

/* Modules/main.c: pymain_exit_err_print. A SystemExit ends the process inside PyErr_Print. */
static int print_error(void) {
  PyErr_Print();
  return 1;
}

/* Modules/main.c: pymain_run_command. */
static int run_command(PyObject *command) {
  if (PySys_Audit("cpython.run_command", "O", command) < 0) return print_error();
  const char *utf8 = PyUnicode_AsUTF8(command);
  if (utf8 == NULL) return print_error();
  PyCompilerFlags cf = _PyCompilerFlags_INIT;
  cf.cf_flags |= PyCF_IGNORE_COOKIE;
  return _PyRun_SimpleStringFlagsWithName(utf8, "<string>", &cf) != 0;
}

/* Modules/main.c: pymain_run_module. */
static int run_module(PyObject *name, PyObject *set_argv0) {
  if (PySys_Audit("cpython.run_module", "O", name) < 0) return print_error();
  PyObject *runpy = PyImport_ImportModule("runpy");
  if (runpy == NULL) {
    fprintf(stderr, "Could not import runpy module\n");
    return print_error();
  }
  PyObject *result = PyObject_CallMethod(runpy, "_run_module_as_main", "OO", name, set_argv0);
  Py_DECREF(runpy);
  if (result == NULL) return print_error();
  Py_DECREF(result);
  return 0;
}

/* Modules/main.c: pymain_run_file_obj (without -x, which runs cold). */
static int run_file(PyObject *program, PyObject *filename) {
  if (PySys_Audit("cpython.run_file", "O", filename) < 0) return print_error();
  FILE *fp = _Py_fopen_obj(filename, "rb");
  if (fp == NULL) {
    int err = errno;
    PyErr_Clear();
    PySys_FormatStderr("%S: can't open file %R: [Errno %d] %s\n", program, filename, err, strerror(err));
    return 2;
  }
  struct stat sb;
  if (fstat(fileno(fp), &sb) == 0 && S_ISDIR(sb.st_mode)) {
    PySys_FormatStderr("%S: %R is a directory, cannot continue\n", program, filename);
    fclose(fp);
    return 1;
  }
  const char *name = PyUnicode_AsUTF8(filename);
  if (name == NULL) {
    fclose(fp);
    return print_error();
  }
  PyCompilerFlags cf = _PyCompilerFlags_INIT;
  return PyRun_AnyFileExFlags(fp, name, 1, &cf) != 0;
}

/* Modules/main.c: pymain_run_stdin, after daylite_run.py has printed any banner. */
static int run_stdin(void) {
  if (PySys_Audit("cpython.run_stdin", NULL) < 0) return print_error();
  PyCompilerFlags cf = _PyCompilerFlags_INIT;
  return PyRun_AnyFileExFlags(stdin, "<stdin>", 0, &cf) != 0;
}

/* Runs what _daylite.prepare() decided: ("exit", code), ("command", source),
 * ("module", name, set_argv0), ("file", program, filename) or ("stdin",). */
static int run_plan(PyObject *plan) {
  if (!PyTuple_Check(plan) || PyTuple_GET_SIZE(plan) < 1) {
    PyErr_SetString(PyExc_TypeError, "_daylite.prepare() must return a tuple");
    return print_error();
  }
  const char *kind = PyUnicode_AsUTF8(PyTuple_GET_ITEM(plan, 0));
  Py_ssize_t n = PyTuple_GET_SIZE(plan);
  if (kind == NULL) return print_error();
  if (strcmp(kind, "exit") == 0 && n == 2) return (int)PyLong_AsLong(PyTuple_GET_ITEM(plan, 1));
  if (strcmp(kind, "command") == 0 && n == 2) return run_command(PyTuple_GET_ITEM(plan, 1));
  if (strcmp(kind, "module") == 0 && n == 3) return run_module(PyTuple_GET_ITEM(plan, 1), PyTuple_GET_ITEM(plan, 2));
  if (strcmp(kind, "file") == 0 && n == 3) return run_file(PyTuple_GET_ITEM(plan, 1), PyTuple_GET_ITEM(plan, 2));
  if (strcmp(kind, "stdin") == 0 && n == 1) return run_stdin();
  PyErr_Format(PyExc_ValueError, "_daylite.prepare(): unknown plan %R", plan);
  return print_error();
}

EXPORT(daylite_run)
int daylite_run(void) {
  /* The snapshot holds the init environment and cwd: read this run's from the host. */
  __wasilibc_deinitialize_environ();
  __wasilibc_initialize_environ();
  int argc = 0;
  char **argv = wasi_argv(&argc);
  if (argv == NULL) return EX_OSERR;
  enter_pwd();

  if (!Py_IsInitialized() || front_end() == NULL) {
    fprintf(stderr, "daylite_run: no initialised interpreter (daylite_init has not run in this memory)\n");
    return EX_SOFTWARE;
  }
  int code;
  PyObject *m = front_end();
  PyObject *args = argv_list(argc, argv);
  PyObject *env = environ_list();
  PyObject *plan = NULL;
  if (args != NULL && env != NULL) plan = PyObject_CallMethod(m, "prepare", "OO", args, env);
  Py_XDECREF(args);
  Py_XDECREF(env);
  if (plan == NULL) {
    code = print_error();
  } else {
    code = run_plan(plan);
    Py_DECREF(plan);
  }
  /* Modules/main.c: Py_RunMain. */
  if (Py_FinalizeEx() < 0) code = 120;
  fflush(NULL);
  return code;
}
