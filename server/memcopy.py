"""An in-memory copy of a build's store, held by one process that forks the query workers sharing it."""
from __future__ import annotations

import gc
import multiprocessing as mp
import os
import signal
import threading
import time
from multiprocessing import reduction
from multiprocessing.connection import Connection

import pyoxigraph as ox

# pyoxigraph's in-memory store takes 450-500 bytes a triple of these graphs (resident memory of the holder:
# 72 MiB at 155k triples, about 650 MiB at 1.5M); the estimate, made before loading, leaves a margin.
BYTES_PER_TRIPLE = 650
MIB = 2**20


def private_bytes(pid: int | str = "self") -> int:
    """Memory of a process that no other process shares (private pages of /proc/PID/smaps_rollup); 0 if unknown."""
    try:
        with open(f"/proc/{pid}/smaps_rollup", encoding="ascii") as handle:
            return 1024 * sum(int(line.split()[1]) for line in handle if line.startswith("Private_"))
    except (OSError, ValueError, IndexError):
        return 0


def resident_bytes() -> int:
    """Resident memory of this process (VmRSS), 0 if unknown."""
    try:
        with open("/proc/self/status", encoding="ascii") as handle:
            return 1024 * next(int(line.split()[1]) for line in handle if line.startswith("VmRSS:"))
    except (OSError, ValueError, StopIteration):
        return 0


def load_in_memory(store_path: str) -> ox.Store:
    """A copy of the on-disk store in memory. Quads pass as they are (bulk_extend), so blank nodes keep their
    identifiers: a re-parsed dump would rename them, and answers would change at the switch."""
    disk = ox.Store.read_only(store_path)
    memory = ox.Store()
    memory.bulk_extend(disk)
    return memory


def holder_main(store_path: str, conn: Connection, budget_bytes: int) -> None:
    """The holder process: load the copy, report, then fork a query worker over it on each request. Each
    worker shares the copy's pages with the holder (copy-on-write) and starts in milliseconds, so a worker
    killed at the time limit is replaced without reloading anything."""
    from kgpub.server.engine import worker_main  # the engine imports this module
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the whole group: the server stops us itself
    started = time.perf_counter()
    try:
        triples = len(ox.Store.read_only(store_path))
        if triples * BYTES_PER_TRIPLE > budget_bytes // 2:
            conn.send(("declined", f"{triples:,} triples need about {triples * BYTES_PER_TRIPLE // MIB:,} MiB in "
                                   f"memory, over half the budget of {budget_bytes // MIB:,} MiB "
                                   "(KGPUB_QUERY_MEMORY_MB)"))
            return
        before = resident_bytes()
        memory = load_in_memory(store_path)
    except Exception as err:  # reported by the engine, which keeps querying the on-disk store
        conn.send(("failed", f"{type(err).__name__}: {err}"))
        return
    gc.collect()
    gc.freeze()  # the collector leaves the objects of now on alone: the workers' copies of their pages stay shared
    conn.send(("loaded", triples, time.perf_counter() - started, resident_bytes() - before))
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # the kernel reaps the workers the engine kills
    while True:
        try:
            request = conn.recv()
        except (EOFError, OSError):
            return
        if request is None:
            return
        ours, theirs = mp.Pipe()
        pid = os.fork()
        if pid == 0:  # the worker: only its own end of its own pipe stays open
            signal.signal(signal.SIGCHLD, signal.SIG_DFL)
            conn.close()
            ours.close()
            try:
                worker_main(theirs, {store_path: memory})
            finally:
                os._exit(0)
        theirs.close()
        conn.send(pid)
        reduction.send_handle(conn, ours.fileno(), 0)  # the pipe's end passes to the engine (SCM_RIGHTS)
        ours.close()


class MemoryCopy:
    """The engine's handle on a holder process: loads in the background, then forks workers on request."""

    def __init__(self, context, store_path: str, budget_bytes: int, on_loaded):
        self.store_path = store_path
        self.conn, child = context.Pipe()
        self.process = context.Process(target=holder_main, args=(store_path, child, budget_bytes), daemon=True)
        self.process.start()
        child.close()
        self.lock = threading.Lock()
        self.loaded = False
        self.closed = False
        self.bytes = 0                   # the holder's growth in loading it
        self.report = ""
        threading.Thread(target=self._wait_loaded, args=(on_loaded,), daemon=True).start()

    def _wait_loaded(self, on_loaded) -> None:
        try:
            message = self.conn.recv()
        except (EOFError, OSError):
            message = ("failed", "the process loading it ended (out of memory?)")
        if message[0] == "loaded":
            _, triples, seconds, grown = message
            self.loaded, self.bytes = True, grown
            self.report = (f"{triples:,} triples loaded in {seconds:.1f} s, {grown / MIB:,.0f} MiB, shared by "
                           "the query workers")
        else:
            self.report = message[1]
        on_loaded(self)

    def fork(self) -> tuple[int, Connection]:
        """(pid, pipe) of a new worker sharing the copy; OSError if the holder is gone."""
        with self.lock:
            try:
                self.conn.send(True)
                pid = self.conn.recv()
                return pid, Connection(reduction.recv_handle(self.conn))
            except (EOFError, OSError) as err:
                raise OSError(f"the in-memory copy's process is gone: {err}") from err

    def close(self) -> None:
        """Stop the holder (workers it forked run on until they are replaced)."""
        if self.closed:
            return
        self.closed = True
        if self.loaded:
            with self.lock:
                try:
                    self.conn.send(None)
                except OSError:
                    pass
            self.process.join(timeout=2)
        if self.process.is_alive():
            self.process.kill()
            self.process.join(timeout=5)
        self.conn.close()
