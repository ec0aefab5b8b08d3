"""Running wrk (HTTP load from a second process over loopback) and reading its figures."""

from __future__ import annotations

import json
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

LUA_REPORT = r"""
done = function(summary, latency, requests)
  io.write(string.format('\nRESULT {"requests": %d, "duration_us": %d, "errors": %d, "non2xx": %d, ' ..
    '"p50_us": %d, "p95_us": %d, "p99_us": %d}\n',
    summary.requests, summary.duration,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.errors.status, latency:percentile(50), latency:percentile(95), latency:percentile(99)))
end
"""


@dataclass(frozen=True)
class Result:
    requests: int
    seconds: float
    errors: int
    non2xx: int
    p50_ms: float
    p95_ms: float
    p99_ms: float

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def require_wrk() -> str:
    found = shutil.which("wrk")
    if not found:
        raise SystemExit("wrk is needed for the HTTP benchmarks: apt-get install wrk")
    return found


def run(
    url: str,
    *,
    seconds: int,
    connections: int,
    threads: int = 1,
    headers: dict[str, str] | None = None,
    lua: str = "",
    workdir: Path,
) -> Result:
    script = workdir / f"wrk-{abs(hash((url, lua))) % 10**8}.lua"
    script.write_text(lua + "\n" + LUA_REPORT)
    args = [
        require_wrk(),
        "-t",
        str(threads),
        "-c",
        str(connections),
        "-d",
        f"{seconds}s",
        "--timeout",
        "10s",
        "-s",
        str(script),
    ]
    for name, value in (headers or {}).items():
        args += ["-H", f"{name}: {value}"]
    output = subprocess.run([*args, url], capture_output=True, text=True, check=True, timeout=seconds + 60).stdout
    line = next(line for line in output.splitlines() if line.startswith("RESULT "))
    data = json.loads(line.removeprefix("RESULT "))
    return Result(
        requests=data["requests"],
        seconds=data["duration_us"] / 1e6,
        errors=data["errors"],
        non2xx=data["non2xx"],
        p50_ms=data["p50_us"] / 1000,
        p95_ms=data["p95_us"] / 1000,
        p99_ms=data["p99_us"] / 1000,
    )
