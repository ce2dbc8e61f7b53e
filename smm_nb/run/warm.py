"""Warm kernels: a fresh IPython kernel per notebook, without paying the imports each time.

A fresh kernel spends ~2 s importing pandas, matplotlib, seaborn and statsmodels before a
notebook's first real line runs. Here each worker process keeps one pre-started *zygote*
(:mod:`smm_nb.run.warm_zygote`) that has done those imports once; every kernel is a
``fork`` of it that then runs ipykernel's ``IPKernelApp`` with the connection file
jupyter_client wrote. The kernel is a real Jupyter kernel in a process of its own, so
papermill, nbclient and the notebooks see no difference, and nothing a notebook does
(variables, imports, ``rcParams``, random state, working directory, environment, a crash)
can reach the next notebook: each starts from the zygote's untouched image.

Use it by naming the manager class, as the batch runner does::

    papermill.execute_notebook(src, out, kernel_name="python3",
                               kernel_manager_class="smm_nb.run.warm.WarmKernelManager",
                               shutdown_kernel="immediate")

Kernels that are not this interpreter's ``ipykernel_launcher`` (another environment,
another language), and platforms without ``os.fork``, fall back to the ordinary launch.
Interactive JupyterLab does not use this manager and is unchanged.
"""
from __future__ import annotations

import asyncio
import atexit
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from queue import Empty
from typing import Any

from jupyter_client import AsyncKernelManager
from jupyter_client.asynchronous import AsyncKernelClient
from jupyter_client.provisioning import LocalProvisioner
from traitlets import default

from smm_nb.run.warm_zygote import recv_msg, send_msg

#: How long a zygote may take to import everything (a cold disk, a busy machine).
ZYGOTE_START_TIMEOUT = 180.0
#: How long a launch waits for the forked kernel to bind its sockets before handing over.
KERNEL_BIND_TIMEOUT = 30.0
_ZYGOTE_CODE = "from smm_nb.run.warm_zygote import main; main()"


def fork_supported() -> bool:
    """Whether warm kernels can work here (POSIX with ``fork``: Linux, macOS)."""
    return hasattr(os, "fork") and sys.platform != "win32"


class ZygoteDied(RuntimeError):
    """The pre-started process is gone (it is replaced on the next launch)."""


class ZygoteStale(ZygoteDied):
    """smm_nb or an installed package changed on disk since the zygote imported them."""


class Zygote:
    """A pre-started process of this worker that forks kernels on request."""

    def __init__(self, python: str = sys.executable,
                 start_timeout: float = ZYGOTE_START_TIMEOUT) -> None:
        ours, theirs = socket.socketpair()
        try:
            # Own session: a terminal's Ctrl-C or a signal to the worker's process group is
            # not meant for it; it ends when this socket closes (the worker exits).
            self.proc = subprocess.Popen(
                [python, "-c", _ZYGOTE_CODE, str(theirs.fileno())], pass_fds=(theirs.fileno(),),
                stdin=subprocess.DEVNULL, start_new_session=True, close_fds=True)
        finally:
            theirs.close()
        self.sock = ours
        self.owner = os.getpid()
        self.pid = self.proc.pid
        self._lock = threading.Lock()
        self._start_timeout = start_timeout
        self._ready = False
        self._broken = False

    def wait_ready(self) -> None:
        """Block until the zygote has done its imports (at once when it has)."""
        with self._lock:
            if self._ready:
                return
            self.sock.settimeout(self._start_timeout)
            try:
                ready = recv_msg(self.sock)
            except (OSError, ValueError) as exc:
                self.close()
                raise ZygoteDied(f"warm-kernel zygote did not start: {exc}") from exc
            if not ready or not ready.get("ready"):
                self.close()
                raise ZygoteDied("warm-kernel zygote exited while starting "
                                 f"(exit code {self.proc.poll()})")
            self.sock.settimeout(60.0)
            self._ready = True

    def request(self, msg: dict, fds: tuple[int, ...] = ()) -> dict:
        self.wait_ready()
        with self._lock:
            try:
                send_msg(self.sock, msg, fds)
                reply = recv_msg(self.sock)
            except OSError as exc:  # includes a timeout: a late reply would desync us
                self._broken = True
                raise ZygoteDied(f"warm-kernel zygote {self.pid} is gone: {exc}") from exc
        if reply is None:
            self._broken = True
            raise ZygoteDied(f"warm-kernel zygote {self.pid} is gone "
                             f"(exit code {self.proc.poll()})")
        return reply

    def alive(self) -> bool:
        return not self._broken and self.owner == os.getpid() and self.proc.poll() is None

    def spawn(self, args: list[str], env: dict[str, str], cwd: str) -> tuple[int, int]:
        """Fork a kernel running ``ipykernel_launcher <args>``.

        Returns its pid and the read end of a pipe that becomes readable (a byte, or end of
        file if the kernel died first) once the kernel's sockets are bound.
        """
        ready_r, ready_w = os.pipe()
        try:
            reply = self.request({"op": "spawn", "args": list(args), "env": dict(env),
                                  "cwd": str(cwd)}, fds=(ready_w,))
        except BaseException:
            os.close(ready_r)
            raise
        finally:
            os.close(ready_w)
        if not reply.get("ok"):
            os.close(ready_r)
            if reply.get("stale"):
                self._broken = True
                raise ZygoteStale(reply.get("error"))
            raise RuntimeError(f"warm kernel could not start: {reply.get('error')}")
        return int(reply["pid"]), ready_r

    def exit_code(self, pid: int) -> int | None:
        """The exit code the zygote reaped for ``pid`` (``None`` when it does not know)."""
        if not self.alive():
            return None
        try:
            return self.request({"op": "status", "pid": pid}).get("exit_code")
        except ZygoteDied:
            return None

    def close(self) -> None:
        try:
            self.sock.close()
        finally:
            if self.owner == os.getpid() and self.proc.poll() is None:
                try:
                    self.proc.wait(timeout=5)
                except subprocess.TimeoutExpired:
                    self.proc.kill()
                    self.proc.wait()


_zygote: Zygote | None = None
_zygote_lock = threading.Lock()
_failed_at: float | None = None
#: After a zygote failed to start, launches go straight to fresh kernels for this long.
RETRY_AFTER = 60.0


def get_zygote(restart: bool = False, wait: bool = True) -> Zygote:
    """This worker's zygote, started on first use and replaced when it has died.

    One per process: a process forked from a worker (or a Dask worker process) starts its own
    rather than sharing its parent's socket. With ``wait``, returns once it is ready.
    """
    global _zygote, _failed_at
    with _zygote_lock:
        z = _zygote
        if z is not None and (restart or not z.alive()):
            if z.owner == os.getpid():
                z.close()
            else:  # inherited through fork: only drop our copy of the parent's socket
                z.sock.close()
            z = None
        if z is None:
            if _failed_at is not None and time.monotonic() - _failed_at < RETRY_AFTER:
                raise ZygoteDied("warm-kernel zygote failed to start recently")
            try:
                z = Zygote()
            except (ZygoteDied, OSError) as exc:
                _failed_at = time.monotonic()
                raise ZygoteDied(f"warm-kernel zygote did not start: {exc}") from exc
            _zygote = z
    if wait:
        try:
            z.wait_ready()
        except ZygoteDied:
            with _zygote_lock:
                _failed_at = time.monotonic()
            raise
        _failed_at = None
    return z


def prestart(wait: bool = False) -> None:
    """Start this worker's zygote now (e.g. in a process-pool initializer), so that its
    imports run while the worker does its own; the first launch waits for it if need be.
    Does nothing where fork is unsupported."""
    if fork_supported():
        try:
            get_zygote(wait=wait)
        except ZygoteDied:
            pass  # the first launch falls back to a fresh kernel and logs why


def shutdown_zygote() -> None:
    """Stop this process's zygote (kernels already forked keep running)."""
    global _zygote
    with _zygote_lock:
        z, _zygote = _zygote, None
    if z is not None and z.owner == os.getpid():
        z.close()


atexit.register(shutdown_zygote)


class ForkedKernelProcess:
    """The ``subprocess.Popen`` surface that :class:`LocalProvisioner` uses, for a kernel
    that the zygote (not this process) forked: signals by pid, exit code from the zygote."""

    stdin = stdout = stderr = None

    def __init__(self, pid: int, zygote: Zygote) -> None:
        self.pid = pid
        self.returncode: int | None = None
        self._zygote = zygote

    def poll(self) -> int | None:
        if self.returncode is not None:
            return self.returncode
        try:
            os.kill(self.pid, 0)  # the zygote reaps at once, so a live pid is a live kernel
            return None
        except ProcessLookupError:
            pass
        except PermissionError:  # reaped, and the pid already reused by someone else
            pass
        code = self._zygote.exit_code(self.pid)
        self.returncode = 1 if code is None else code
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        deadline = None if timeout is None else time.monotonic() + timeout
        delay = 0.002
        while (code := self.poll()) is None:
            if deadline is not None and time.monotonic() > deadline:
                raise subprocess.TimeoutExpired(f"kernel {self.pid}", timeout or 0)
            time.sleep(delay)
            delay = min(delay * 2, 0.05)
        return code

    def send_signal(self, signum: int) -> None:
        if self.poll() is None:
            os.kill(self.pid, signum)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)


def ipykernel_args(cmd: list[str]) -> list[str] | None:
    """The arguments after ``python -m ipykernel_launcher`` when ``cmd`` starts this
    interpreter's ipykernel (the only kernel a zygote can become), else ``None``."""
    if len(cmd) < 3 or cmd[1:3] != ["-m", "ipykernel_launcher"]:
        return None
    if cmd[0] != sys.executable:
        try:
            if not os.path.samefile(cmd[0], sys.executable):
                return None
        except OSError:
            return None
    return list(cmd[3:])


def _spawn(args: list[str], env: dict[str, str], cwd: str) -> tuple[Zygote, int, int]:
    zygote = get_zygote()
    try:
        return (zygote, *zygote.spawn(args, env, cwd))
    except ZygoteDied:  # it died, or the code changed, since the last notebook
        zygote = get_zygote(restart=True)
        return (zygote, *zygote.spawn(args, env, cwd))


class WarmProvisioner(LocalProvisioner):
    """A :class:`LocalProvisioner` whose kernels are forked from the worker's zygote."""

    warm = False

    async def launch_kernel(self, cmd: list[str], **kwargs: Any):
        args = ipykernel_args(cmd)
        if args is None or not fork_supported():
            return await super().launch_kernel(cmd, **kwargs)
        env = kwargs.get("env")
        env = dict(os.environ if env is None else env)
        if not kwargs.get("independent"):
            # As jupyter_client's launcher: the kernel exits when this process is gone.
            env["JPY_PARENT_PID"] = str(os.getpid())
        args = [os.path.expanduser(a) for a in args]
        cwd = str(kwargs.get("cwd") or os.getcwd())
        try:
            # In a thread: the first launch may wait seconds for the zygote's imports, and
            # the event loop may be serving other kernels meanwhile.
            zygote, pid, ready = await asyncio.to_thread(_spawn, args, env, cwd)
        except ZygoteDied as exc:
            # A zygote that cannot start (a library failing at import, say) must not fail
            # the batch: this notebook gets an ordinary fresh kernel, and the error is logged.
            self.log.warning("warm kernels unavailable, starting a fresh kernel: %s", exc)
            return await super().launch_kernel(cmd, **kwargs)
        self.process = ForkedKernelProcess(pid, zygote)
        await _wait_readable(ready, KERNEL_BIND_TIMEOUT)
        self.pid = self.pgid = pid  # the kernel calls setsid(): its group is its pid
        self.cwd = cwd
        self.warm = True
        return self.connection_info

    async def wait(self) -> int | None:
        if not self.warm:
            return await super().wait()
        ret = 0
        if self.process:
            # Short polls: after a kill the zygote reaps within milliseconds, and the base
            # class's 0.1 s step would be a tenth of a warm notebook's whole overhead.
            delay = 0.002
            while (ret := await self.poll()) is None:
                await asyncio.sleep(delay)
                delay = min(delay * 2, 0.05)
            self.process = None
        return ret


async def _wait_readable(fd: int, timeout: float) -> None:
    """Wait until ``fd`` is readable (or ``timeout``), then close it."""
    loop = asyncio.get_running_loop()
    done = loop.create_future()
    try:
        loop.add_reader(fd, lambda: done.done() or done.set_result(None))
    except NotImplementedError:  # an event loop without add_reader: skip the wait
        os.close(fd)
        return
    try:
        await asyncio.wait_for(done, timeout)
    except asyncio.TimeoutError:
        pass  # a slow start is the client's start-up timeout to judge, not ours
    finally:
        loop.remove_reader(fd)
        os.close(fd)


class WarmKernelClient(AsyncKernelClient):
    """An ``AsyncKernelClient`` whose ``wait_for_ready`` ends when it is ready.

    jupyter_client's version, after the ``kernel_info`` reply, drains IOPub until it has been
    silent for 0.2 s: for a fresh kernel that is lost in the start-up, for a warm one it is
    a third of the whole overhead. The kernel's ``idle`` status for that ``kernel_info``
    request says the same thing (IOPub is ordered, so nothing of the start-up is still
    behind it) as soon as it arrives.
    """

    async def _warm_wait_for_ready(self, timeout: float | None = None) -> None:
        deadline = time.monotonic() + (float("inf") if timeout is None else timeout)
        while True:
            msg_id = self.kernel_info()
            try:
                reply = await self.shell_channel.get_msg(timeout=1)
            except Empty:
                reply = None
            if reply is not None and reply["msg_type"] == "kernel_info_reply" \
                    and await self._iopub_connected(msg_id):
                self._handle_kernel_info_reply(reply)
                break
            if not await self._async_is_alive():
                raise RuntimeError("Kernel died before replying to kernel_info")
            if time.monotonic() > deadline:
                raise RuntimeError(f"Kernel didn't respond in {timeout:.0f} seconds")
        while True:  # whatever else is already queued (a welcome, a status)
            try:
                await self.iopub_channel.get_msg(timeout=0.01)
            except Empty:
                break

    async def _iopub_connected(self, msg_id: str) -> bool:
        seen = False
        while True:
            try:
                msg = await self.iopub_channel.get_msg(timeout=0.2)
            except Empty:
                return seen  # silence: connected if anything came (as jupyter_client)
            seen = True
            if msg["msg_type"] == "status" \
                    and msg["content"].get("execution_state") == "idle" \
                    and msg["parent_header"].get("msg_id") == msg_id:
                return True

    wait_for_ready = _warm_wait_for_ready  # type: ignore[assignment]


class WarmKernelManager(AsyncKernelManager):
    """An ``AsyncKernelManager`` that starts ipykernel kernels from a warm zygote.

    Pass it to papermill / nbclient as ``kernel_manager_class``.
    """

    @default("client_factory")
    def _warm_client_factory(self):
        return WarmKernelClient

    async def _async_pre_start_kernel(self, **kw: Any):
        if self.provisioner is None:
            self.kernel_id = self.kernel_id or kw.pop("kernel_id", None) or str(uuid.uuid4())
            self.provisioner = WarmProvisioner(kernel_id=self.kernel_id,
                                               kernel_spec=self.kernel_spec, parent=self)
        return await super()._async_pre_start_kernel(**kw)

    async def _async_wait(self, pollinterval: float = 0.1) -> None:
        # A killed warm kernel is gone (and reaped by the zygote) within milliseconds; the
        # base class's first 0.1 s sleep would be a fifth of a warm notebook's overhead.
        if not getattr(self.provisioner, "warm", False):
            return await super()._async_wait(pollinterval)
        delay = 0.002
        while await self._async_is_alive():
            await asyncio.sleep(delay)
            delay = min(delay * 2, pollinterval)
