"""The pre-started ("zygote") process behind warm kernels, and the forked kernel's start.

The zygote is started once per worker process by :mod:`smm_nb.run.warm`. It imports the
heavy libraries a notebook needs, warms matplotlib's font and PNG paths, and then waits on
a Unix socket for launch requests. For each request it forks; the child becomes an
ordinary ipykernel (``IPKernelApp`` with the connection file jupyter_client wrote), exactly
what ``python -m ipykernel_launcher -f ...`` would have started, minus the imports.

Why this is safe to fork: the zygote never runs notebook code, never creates a ZMQ context,
an event loop or a Python thread, so every child starts from the same clean image. The
OpenBLAS thread pools that numpy and scipy start at import are shut down around ``fork`` by
OpenBLAS' own ``pthread_atfork`` handlers (the child starts single-threaded and restarts its
pools lazily).

The zygote's stdout and stderr are the worker's, as a fresh kernel's would be; the
protocol runs on a separate socket: 4-byte big-endian length + JSON, one reply per request.
"""
from __future__ import annotations

import gc
import json
import os
import signal
import socket
import struct
import sys
from pathlib import Path

#: Imported once in the zygote; what a smm-nb notebook imports in its setup cell.
PRELOAD = ("numpy", "pandas", "scipy", "scipy.stats", "scipy.optimize", "statsmodels.api",
           "statsmodels.formula.api", "matplotlib", "matplotlib.pyplot", "seaborn",
           "smm_nb", "smm_nb.notebook", "smm_nb.report.display", "smm_nb.viz.theme",
           # What IPKernelApp.initialize would otherwise import in every kernel (~0.2 s):
           "ipykernel.kernelapp", "ipykernel.ipkernel", "ipykernel.zmqshell",
           "ipykernel.debugger", "IPython.core.completerlib", "IPython.core.debugger",
           "IPython.extensions.storemagic", "sqlite3", "psutil", "pdb", "faulthandler",
           "tornado.gen", "tornado.queues", "tornado.platform.asyncio")

# A fresh kernel's matplotlib backend: ipykernel sets it in the environment before the
# notebook imports matplotlib. Setting it before the zygote's import gives the forked kernel
# the same backend name; the backend module itself (which hooks into the IPython shell at
# import) is only loaded by the first figure, inside the kernel, as in a fresh kernel.
INLINE_BACKEND = "module://matplotlib_inline.backend_inline"

#: smm_nb's own packages the notebooks import after the setup cell (~0.2 s a kernel).
PRELOAD_PACKAGES = ("smm_nb.analysis", "smm_nb.viz", "smm_nb.model", "smm_nb.ingest")

#: Extra modules to preload, comma-separated (an agency's own library, say).
PRELOAD_ENV = "SMM_NB_WARM_PRELOAD"

_exit_codes: dict[int, int] = {}
_fingerprint: tuple = ()
_MAX_REMEMBERED = 4096


def send_msg(sock: socket.socket, obj: dict, fds: tuple[int, ...] = ()) -> None:
    """Send one message; ``fds`` travel with it (SCM_RIGHTS)."""
    data = json.dumps(obj).encode("utf-8")
    data = struct.pack(">I", len(data)) + data
    if fds:
        sent = socket.send_fds(sock, [data], list(fds))
        data = data[sent:]
    if data:
        sock.sendall(data)


def recv_msg(sock: socket.socket, fds: list[int] | None = None) -> dict | None:
    """Read one message; ``None`` when the peer closed the socket. File descriptors sent
    with it are appended to ``fds`` (when given)."""
    head = _recv_exact(sock, 4, fds)
    if head is None:
        return None
    body = _recv_exact(sock, struct.unpack(">I", head)[0], fds)
    if body is None:
        return None
    return json.loads(body.decode("utf-8"))


def _recv_exact(sock: socket.socket, n: int, fds: list[int] | None = None) -> bytes | None:
    buf = bytearray()
    while len(buf) < n:
        if fds is None:
            chunk = sock.recv(n - len(buf))
        else:
            chunk, got, _flags, _addr = socket.recv_fds(sock, n - len(buf), 4)
            fds.extend(got)
        if not chunk:
            return None
        buf += chunk
    return bytes(buf)


def _reap(signum=None, frame=None) -> None:
    """Reap every finished child (the kernels are the zygote's children) and keep their
    exit codes for the manager's ``status`` request."""
    while True:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
        if len(_exit_codes) >= _MAX_REMEMBERED:
            _exit_codes.pop(next(iter(_exit_codes)))
        _exit_codes[pid] = os.waitstatus_to_exitcode(status)


def _submodules(packages: tuple[str, ...]) -> list[str]:
    """Every module of ``packages`` (found on disk, not imported here)."""
    import importlib.util
    import pkgutil

    names = []
    for pkg in packages:
        spec = importlib.util.find_spec(pkg)
        if spec is None or not spec.submodule_search_locations:
            continue
        names.append(pkg)
        names += [f"{pkg}.{m.name}" for m in pkgutil.iter_modules(spec.submodule_search_locations)]
    return names


def preload() -> None:
    """Import the heavy libraries and warm matplotlib, without starting threads."""
    import importlib

    os.environ.setdefault("MPLBACKEND", INLINE_BACKEND)
    # debugpy warns about frozen modules on import; a kernel prints that into its own
    # (discarded) start-up output, the zygote would print it on the worker's terminal.
    os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
    extra = [m.strip() for m in os.environ.get(PRELOAD_ENV, "").split(",") if m.strip()]
    for name in (*PRELOAD, *_submodules(PRELOAD_PACKAGES), *extra):
        try:
            importlib.import_module(name)
        except ImportError:  # a missing optional library only costs its import later
            pass
        except Exception as exc:  # noqa: BLE001 - the kernel will meet (and report) it
            print(f"smm-nb warm kernels: importing {name} failed ({exc!r})", file=sys.stderr)
    try:
        from smm_nb.viz.theme import apply_theme

        apply_theme()
        _warm_matplotlib()
        _warm_babel()
    except Exception as exc:  # noqa: BLE001 - warming is an optimisation, never a failure
        print(f"smm-nb warm kernels: warm-up skipped ({exc})", file=sys.stderr)


def source_fingerprint() -> tuple:
    """What a kernel would import differently from the zygote's memory: the files of the
    loaded smm_nb (and extra preloaded) modules, and the site-packages folders (whose
    modification time changes when a package is installed, upgraded or removed).

    A long-lived worker (a Dask cluster that outlives a code change, say) would otherwise
    give notebooks yesterday's smm_nb; a fresh kernel always reads the files.
    """
    watched = {"smm_nb"} | {m.strip().split(".")[0] for m in
                            os.environ.get(PRELOAD_ENV, "").split(",") if m.strip()}
    items = []
    for name, module in list(sys.modules.items()):
        path = getattr(module, "__file__", None)
        if path and name.split(".")[0] in watched:
            items.append(path)
    items += [p for p in sys.path if p.endswith(("site-packages", "dist-packages"))]
    out = []
    for path in sorted(set(items)):
        try:
            st = os.stat(path)
            out.append((path, st.st_mtime_ns, st.st_size))
        except OSError:
            out.append((path, None, None))
    return tuple(out)


def _warm_matplotlib() -> None:
    # Draw one small figure with the Agg canvas directly (not pyplot, which would load the
    # inline backend without a shell): loads the theme's font, builds the text layout
    # caches and imports the SVG writer the report's charts use.
    import io

    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure()
    FigureCanvasAgg(fig)
    ax = fig.subplots()
    ax.plot([0, 1, 2], [1, 3, 2], label="warm")
    ax.bar([0, 1], [1, 2])
    ax.set_title("warm-up")
    ax.set_xlabel("x")
    ax.legend()
    fig.savefig(io.StringIO(), format="svg")


def _warm_babel() -> None:
    # Babel reads a locale's data from disk on first use (~20 ms for Turkish): once here,
    # not in every kernel, for the languages a report can have.
    import datetime as dt

    from babel.dates import format_date
    from babel.numbers import format_decimal, format_percent

    from smm_nb.report.language import LOCALES

    for locale in LOCALES.values():
        format_decimal(1234.5, locale=locale)
        format_percent(0.5, locale=locale)
        format_date(dt.date(2026, 1, 1), "d MMMM y", locale=locale)


def serve(sock: socket.socket) -> dict | None:
    """Answer launch requests on ``sock`` until it closes.

    Returns ``None`` in the zygote when the manager goes away, and the launch request in a
    forked child (which then becomes the kernel, see :func:`run_kernel`).
    """
    signal.signal(signal.SIGCHLD, _reap)
    while True:
        fds: list[int] = []
        try:
            req = recv_msg(sock, fds)
        except (ConnectionError, OSError):
            req = None
        if req is None:
            return None
        op = req.get("op")
        # A spawn request may carry the write end of a pipe that the kernel closes once its
        # sockets are bound; any other descriptor is closed unused.
        ready_fd = fds.pop(0) if op == "spawn" and fds else None
        for fd in fds:
            os.close(fd)
        if op == "ping":
            send_msg(sock, {"ok": True, "pid": os.getpid()})
        elif op == "status":
            _reap()
            pid = int(req["pid"])
            send_msg(sock, {"ok": True, "exit_code": _exit_codes.pop(pid, None)})
        elif op == "spawn":
            if source_fingerprint() != _fingerprint:
                # Code changed on disk since the imports: the manager replaces this zygote.
                if ready_fd is not None:
                    os.close(ready_fd)
                send_msg(sock, {"ok": False, "stale": True,
                                "error": "smm_nb or a package changed since the zygote started"})
                continue
            cwd = req.get("cwd") or os.getcwd()
            if not os.path.isdir(cwd):
                if ready_fd is not None:
                    os.close(ready_fd)
                send_msg(sock, {"ok": False, "error": f"working directory not found: {cwd}"})
                continue
            try:
                pid = os.fork()
            except OSError as exc:  # out of processes or memory: this launch fails, not us
                if ready_fd is not None:
                    os.close(ready_fd)
                send_msg(sock, {"ok": False, "error": f"fork failed: {exc}"})
                continue
            if pid == 0:
                sock.close()
                req["ready_fd"] = ready_fd
                return req
            if ready_fd is not None:
                os.close(ready_fd)
            send_msg(sock, {"ok": True, "pid": pid})
        else:
            send_msg(sock, {"ok": False, "error": f"unknown request {op!r}"})


def reset_child(req: dict) -> None:
    """Make the forked child look like a process that was just started for this kernel."""
    # Own session and process group, as jupyter_client gives a fresh kernel, so that an
    # interrupt or kill reaches the kernel and its subprocesses, and nothing else.
    os.setsid()
    for sig in (signal.SIGCHLD, signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, signal.SIG_DFL)
    # What a fresh interpreter starts with (it ignores SIGPIPE and SIGXFSZ itself).
    signal.signal(signal.SIGINT, signal.default_int_handler)
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_SETMASK, [])
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.close(devnull)
    os.chdir(req["cwd"])
    os.environ.clear()
    os.environ.update(req["env"])
    sys.argv = [_launcher_path(), *req["args"]]
    # Every fork would otherwise share the zygote's random state.
    import random

    random.seed()
    np = sys.modules.get("numpy")
    if np is not None:
        np.random.seed(int.from_bytes(os.urandom(4), "little"))


def _launcher_path() -> str:
    import importlib.util

    spec = importlib.util.find_spec("ipykernel_launcher")
    return spec.origin if spec and spec.origin else "ipykernel_launcher"


class _WorkerPoller:
    """Stands in for ipykernel's ``ParentPollerUnix``: exit when the *worker* (the process
    that asked for this kernel, ``JPY_PARENT_PID``) is gone. The kernel's real parent is the
    zygote, whose death must not take running notebooks with it."""

    def __init__(self, parent_pid: int = 0):
        import threading

        self._thread = threading.Thread(target=self._run, args=(parent_pid,), daemon=True,
                                        name="smm-nb-worker-poller")

    def start(self) -> None:
        self._thread.start()

    @staticmethod
    def _run(pid: int) -> None:
        import time

        while True:
            time.sleep(1.0)
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                os._exit(1)
            except PermissionError:  # the pid was reused by another user's process
                os._exit(1)


def run_kernel(req: dict) -> None:
    """Run ipykernel in this (forked) process, as ``ipykernel_launcher`` would."""
    reset_child(req)
    from ipykernel import kernelapp

    kernelapp.ParentPollerUnix = _WorkerPoller  # type: ignore[misc,assignment]
    app = kernelapp.IPKernelApp.instance()
    # The trait's default was read from the environment when the zygote imported ipykernel.
    app.parent_handle = int(os.environ.get("JPY_PARENT_PID") or 0)
    app.initialize(req["args"])
    ready_fd = req.get("ready_fd")
    if ready_fd is not None:
        # Sockets are bound: the manager may now let its client connect (without the
        # 0.1 s back-off of a ZMQ reconnect to a port that is not listening yet).
        try:
            os.write(ready_fd, b"1")
        finally:
            os.close(ready_fd)
    app.start()


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    fd = int(argv[0])
    # As ipykernel_launcher does: the launch directory is not an import path (IPython puts
    # the kernel's working directory back at the front of sys.path).
    if sys.path and (sys.path[0] == "" or Path(sys.path[0]) == Path.cwd()):
        del sys.path[0]
    # The zygote lives in its own session; a terminal's Ctrl-C is for the batch, whose
    # closing of the socket ends the zygote.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    global _fingerprint
    preload()
    _fingerprint = source_fingerprint()
    # What the zygote imported lives as long as any kernel forked from it: move it out of
    # the collector's reach, so that a kernel's full collections do not walk (and, by
    # touching them, copy) the libraries' objects, as the gc docs advise before fork.
    gc.freeze()
    sock = socket.socket(fileno=fd)
    send_msg(sock, {"ok": True, "pid": os.getpid(), "ready": True})
    req = serve(sock)
    if req is None:
        return
    run_kernel(req)


if __name__ == "__main__":
    main()
