/**
 * The Python that runs one `codeInterpreter.runCode` request in a context's globals, shared by the
 * WebAssembly kernel's driver (`kernel/interpreter.ts`) and the native backend's
 * (`native/interpreter.ts`), which differ only in how requests and answers travel.
 *
 * `_daylite_cell(code, envs, globals)` sets the request's environment for the run, compiles with
 * top-level `await` allowed (as Jupyter does: `await asyncio.sleep(1)` in a cell runs on one event
 * loop the context keeps, so tasks it started live on in later cells), runs the code and returns
 * `None` or the error as `{name, value, traceback}`, the traceback starting at the code's own
 * first frame (nothing of the driver or of asyncio's loop).
 */
export const CELL_RUNNER = String.raw`
def _daylite_cell(code, envs, globals_, _state={}):
    import os, ast, linecache, traceback
    saved = {}
    for k, v in (envs or {}).items():
        saved[k] = os.environ.get(k)
        os.environ[k] = v
    compiled = None
    try:
        # Tracebacks show the cell's lines (the driver, run by -c, is "<string>" too).
        linecache.cache["<string>"] = (len(code), None, code.splitlines(True), "<string>")
        compiled = compile(code, "<string>", "exec", flags=ast.PyCF_ALLOW_TOP_LEVEL_AWAIT)
        if compiled.co_flags & 0x80:  # CO_COROUTINE: the cell awaits at top level
            import asyncio
            loop = _state.get("loop")
            if loop is None or loop.is_closed():
                loop = _state["loop"] = asyncio.new_event_loop()
            loop.run_until_complete(eval(compiled, globals_))
        else:
            exec(compiled, globals_)
        return None
    except BaseException as e:
        tb = e.__traceback__
        while tb is not None and tb.tb_frame.f_code is not compiled:
            tb = tb.tb_next
        return {"name": type(e).__name__, "value": str(e), "traceback": "".join(traceback.format_exception(type(e), e, tb))}
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
`
