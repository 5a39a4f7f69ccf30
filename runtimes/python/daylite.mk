# Links python.wasm as a WASI reactor with daylite's front end (daylite_python.c) instead of
# Programs/python.c. Read after CPython's own Makefile, in the WASI build directory:
#
#   make -f Makefile -f daylite.mk DAYLITE_DIR=runtimes/python daylite-python.wasm
#
# Same objects, libraries and link flags (stack, memory) as CPython's `python.wasm` rule; only the
# entry points differ: no `_start`, but `_initialize`, `daylite_main`, `daylite_init`, `daylite_run`.

DAYLITE_DIR ?= .

# An embedding program, so the public API only (no Py_BUILD_CORE). #embed (C23) pulls in
# daylite_run.py, hence the dependency.
Programs/daylite_python.o: $(DAYLITE_DIR)/daylite_python.c $(DAYLITE_DIR)/daylite_run.py pyconfig.h
	$(CC) -c $(PY_CFLAGS) $(PY_CPPFLAGS) -std=gnu2x -Wno-c23-extensions -o $@ $(DAYLITE_DIR)/daylite_python.c

daylite-python.wasm: Programs/daylite_python.o $(LINK_PYTHON_DEPS)
	$(LINKCC) $(PY_CORE_LDFLAGS) -mexec-model=reactor -o $@ Programs/daylite_python.o \
		$(LINK_PYTHON_OBJS) $(LIBS) $(MODLIBS) $(SYSLIBS)
