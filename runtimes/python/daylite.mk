# Links python.wasm as a WASI reactor with daylite's front end (daylite_python.c) instead of
# Programs/python.c. Read after CPython's own Makefile, in the WASI build directory:
#
#   make -f Makefile -f daylite.mk DAYLITE_DIR=runtimes/python daylite-python.wasm
#
# Same objects, libraries and link flags (stack, memory) as CPython's `python.wasm` rule; only the
# entry points differ: no `_start`, but `_initialize`, `daylite_main`, `daylite_init`, `daylite_run`.
# One addition to the objects: runtimes/common/daylite_utimens.c, our utimensat()/futimens() in
# place of wasi-libc's (times == NULL set the epoch instead of now; see that file). Objects on
# the link line come before libc.a, so libc.a's utimensat.o and futimens.o are never pulled in.

DAYLITE_DIR ?= .
DAYLITE_COMMON ?= $(DAYLITE_DIR)/../common

# An embedding program, so the public API only (no Py_BUILD_CORE). #embed (C23) pulls in
# daylite_run.py, hence the dependency.
Programs/daylite_python.o: $(DAYLITE_DIR)/daylite_python.c $(DAYLITE_DIR)/daylite_run.py pyconfig.h
	$(CC) -c $(PY_CFLAGS) $(PY_CPPFLAGS) -std=gnu2x -Wno-c23-extensions -o $@ $(DAYLITE_DIR)/daylite_python.c

# libc code, not part of CPython: built with plain flags rather than $(PY_CFLAGS).
Programs/daylite_utimens.o: $(DAYLITE_COMMON)/daylite_utimens.c
	$(CC) -c -O2 -Wall -Wextra -std=c11 -o $@ $(DAYLITE_COMMON)/daylite_utimens.c

daylite-python.wasm: Programs/daylite_python.o Programs/daylite_utimens.o $(LINK_PYTHON_DEPS)
	$(LINKCC) $(PY_CORE_LDFLAGS) -mexec-model=reactor -o $@ Programs/daylite_python.o \
		Programs/daylite_utimens.o $(LINK_PYTHON_OBJS) $(LIBS) $(MODLIBS) $(SYSLIBS)
