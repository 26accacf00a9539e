"""The local mode in a child process, for tests and benchmarks.

Started, found and stopped (Ctrl-C) as a person would.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import TracebackType

from localdev import state
from localdev.standin import REPOSITORY


class LocalModeProcess:
    """`python -m localdev` as a child; `start()` returns once it serves, `stop()` sends Ctrl-C.

    Each instance has its own state file, so tests never touch a developer's `make dev`.
    """

    def __init__(
        self,
        arguments: list[str] | None = None,
        env: dict[str, str] | None = None,
        state_file: Path | None = None,
        watch: bool = False,
    ) -> None:
        """`watch`: the preview (rebuilds after changes, pages reload); off by default in tests."""
        self._directory = tempfile.TemporaryDirectory(prefix="localdev-")
        self.state_file = state_file or Path(self._directory.name) / "localdev.json"
        self.log_file = Path(self._directory.name) / "output.log"
        self.arguments = ["--port", "0", *([] if watch else ["--no-watch"]), *(arguments or [])]
        self.env = {**os.environ, **(env or {})}
        self.process: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = 120) -> state.State:
        command = [
            sys.executable,
            "-m",
            "localdev",
            "--state-file",
            str(self.state_file),
            *self.arguments,
        ]
        with self.log_file.open("wb") as log:
            self.process = subprocess.Popen(  # noqa: S603 - our own interpreter and module
                command, cwd=REPOSITORY, env=self.env, stdout=log, stderr=subprocess.STDOUT
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            running = state.read(self.state_file)
            if running is not None and running.pid == self.process.pid:
                return running
            if self.process.poll() is not None:
                break
            time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"the local mode did not start:\n{self.output()}")

    def stop(self, timeout: float = 30) -> int:
        """Ctrl-C, then wait; returns the exit status."""
        if self.process is None:
            return 0
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        return self.process.returncode

    def output(self) -> str:
        return self.log_file.read_text(encoding="utf-8", errors="replace")

    def close(self) -> None:
        self.stop()
        self._directory.cleanup()

    def __enter__(self) -> LocalModeProcess:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()
