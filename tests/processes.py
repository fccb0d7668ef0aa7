"""Child processes of the tests: `kgpub serve` on a free loopback port with its output in a log file, and stopping."""
from __future__ import annotations

import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "data" / "corpus"
KGPUB = [sys.executable, "-m", "kgpub.cli"]


def stop_process(process: subprocess.Popen, timeout: float = 15) -> None:
    """Ask a process to end (SIGTERM); kill it if it has not ended after `timeout` seconds."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=timeout)


class Server:
    """`kgpub serve ARGS` in a child process on a free loopback port; everything it prints goes to a log file.

    A file rather than a pipe: nobody reads the output while tests run, and a full pipe would stall the server.
    """

    def __init__(self, args: list[str], log: Path, env: dict | None = None):
        self.log = log
        self.handle = open(log, "w")
        self.process = subprocess.Popen(KGPUB + ["serve", "--host", "127.0.0.1", "--port", "0", *args], cwd=ROOT,
                                        stdout=self.handle, stderr=subprocess.STDOUT, env=env)
        self.url = self._wait_for_url()

    def _wait_for_url(self, timeout: float = 120) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            m = re.search(r"at (http://[\d.]+:\d+/)", self.output())
            if m:
                requests.get(m.group(1) + "-/versions", timeout=10).raise_for_status()
                return m.group(1)
            if self.process.poll() is not None:
                break
            time.sleep(0.05)
        self.stop()
        raise RuntimeError("the server did not start:\n" + self.output())

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def kill(self) -> None:
        """SIGKILL, as the kernel's OOM killer or a power cut would stop it: no clean-up code runs."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=15)
        self.handle.close()

    def stop(self) -> None:
        stop_process(self.process)
        self.handle.close()
