"""Load benchmark of ``kzlaw serve``: the real command in its own process on 127.0.0.1, 16
concurrent clients each sending a bounded number of requests over one keep-alive connection,
latency percentiles, errors and the server's memory before and after.

    python -m kzlaw.web.bench                    # the bundled corpus and 40,000 measures
    python -m kzlaw.web.bench --sizes bundled --requests 200

Only loopback traffic; every loop is bounded. At 40,000 measures the day's answer is asked for
one kind (``kind=power``, a few hundred facts) rather than all 18,000 facts.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import statistics
import subprocess
import sys
import time
from datetime import date, timedelta

from tabulate import tabulate

HOST = "127.0.0.1"
START_TIMEOUT = 600  # seconds for the server to load (a cold 40,000-measure corpus compiles)


def _days(n: int) -> list[str]:
    """``n`` days spread over 1996-2016: each client walks through them in turn."""
    first = date(1996, 1, 1)
    step = (date(2016, 12, 31) - first).days // max(n - 1, 1)
    return [(first + timedelta(days=i * step)).isoformat() for i in range(n)]


def targets(size: str) -> list[tuple[str, list[str]]]:
    """(name, paths) of the two routes measured on a corpus."""
    days = _days(64)
    kind = "" if size == "bundled" else "&kind=power"
    page_kind = "" if size == "bundled" else "?kind=power"
    return [(f"/api/in-force?date=D{kind}", [f"/api/in-force?date={d}{kind}" for d in days]),
            (f"/at/D{page_kind}", [f"/at/{d}{page_kind}" for d in days])]


class Server:
    """``kzlaw serve --port 0`` in a subprocess; the port is read from its first line."""

    def __init__(self, data: str | None):
        argv = [sys.executable, "-m", "kzlaw"] + (["--data", data] if data else []) + \
            ["serve", "--host", HOST, "--port", "0"]
        self.proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                     text=True)
        deadline = time.monotonic() + START_TIMEOUT
        line = ""
        while time.monotonic() < deadline:
            line = self.proc.stderr.readline()
            if not line or "serving" in line:
                break
        found = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
        if not found:
            self.stop()
            raise SystemExit(f"kzlaw serve did not start: {line.strip()}")
        self.port = int(found.group(1))

    def rss_mb(self) -> float:
        with open(f"/proc/{self.proc.pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
        return float("nan")

    def cpu_s(self) -> float:
        """User + system CPU seconds the server has used so far."""
        with open(f"/proc/{self.proc.pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


async def _get(reader, writer, path: str) -> tuple[int, int]:
    """One keep-alive GET, taking gzip as a browser does: (status, body bytes as sent)."""
    writer.write(f"GET {path} HTTP/1.1\r\nHost: {HOST}\r\nAccept-Encoding: gzip\r\n\r\n"
                 .encode())
    await writer.drain()
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    length = 0
    for line in lines[1:]:
        name, _, value = line.partition(":")
        if name.lower() == "content-length":
            length = int(value)
    body = await reader.readexactly(length)
    return status, len(body)


async def _client(port: int, paths: list[str], offset: int, requests: int, out: list,
                  errors: list) -> None:
    reader, writer = await asyncio.open_connection(HOST, port, limit=2 ** 20)
    try:
        for i in range(requests):
            path = paths[(offset + i) % len(paths)]
            t0 = time.perf_counter()
            try:
                status, _ = await _get(reader, writer, path)
            except (OSError, asyncio.IncompleteReadError, ValueError) as e:
                errors.append(f"{type(e).__name__}: {e}")
                writer.close()
                reader, writer = await asyncio.open_connection(HOST, port, limit=2 ** 20)
                continue
            out.append(time.perf_counter() - t0)
            if status != 200:
                errors.append(f"HTTP {status} for {path}")
    finally:
        writer.close()


async def _load(port: int, paths: list[str], clients: int, requests: int):
    latencies: list[float] = []
    errors: list[str] = []
    t0 = time.perf_counter()
    await asyncio.gather(*(_client(port, paths, c * 7, requests, latencies, errors)
                           for c in range(clients)))
    return latencies, errors, time.perf_counter() - t0


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


def _asyncio_run(coro):
    """The clients run on uvloop when it is installed (as the server then does): the Python
    client, not the server, is otherwise the slower side of a loopback benchmark."""
    try:
        import uvloop
    except ImportError:
        return asyncio.run(coro)
    return uvloop.run(coro)


def run(size: str, clients: int, requests: int) -> list[dict]:
    if size == "bundled":
        data = None
    else:
        from ..bench import corpus_dir
        data = corpus_dir(int(size))
    server = Server(data)
    rows = []
    try:
        for name, paths in targets(size):
            # Every answer once, one client: the time to compute an answer the first time.
            cold, cold_errors, _ = _asyncio_run(_load(server.port, paths, 1, len(paths)))
            before, cpu0 = server.rss_mb(), server.cpu_s()
            latencies, errors, wall = _asyncio_run(_load(server.port, paths, clients, requests))
            after, cpu = server.rss_mb(), server.cpu_s() - cpu0
            errors = cold_errors + errors
            rows.append({"corpus": "bundled" if size == "bundled" else f"{int(size):,} measures",
                         "route": name, "requests": clients * requests,
                         "errors": len(errors), "p50_ms": _pct(latencies, 0.50),
                         "p99_ms": _pct(latencies, 0.99),
                         "mean_ms": statistics.fmean(latencies) * 1000,
                         "per_s": len(latencies) / wall, "rss_before": before,
                         "cold_p50_ms": _pct(cold, 0.50), "cold_max_ms": max(cold) * 1000,
                         "cpu_ms": cpu * 1000 / max(len(latencies), 1),
                         "rss_after": after, "first_error": errors[0] if errors else ""})
    finally:
        server.stop()
    return rows


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m kzlaw.web.bench", description=__doc__.split(
        "\n\n")[0])
    parser.add_argument("--sizes", default="bundled,40000",
                        help="comma-separated: 'bundled' and/or synthetic corpus sizes")
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--requests", type=int, default=250, help="requests per client")
    args = parser.parse_args(argv)
    if not 1 <= args.clients <= 256 or not 1 <= args.requests <= 100_000:
        parser.error("--clients is 1..256 and --requests 1..100000")
    rows = []
    for size in args.sizes.split(","):
        rows += run(size.strip(), args.clients, args.requests)
    table = [[r["corpus"], r["route"], f"{r['requests']:,}", r["errors"], f"{r['p50_ms']:.2f}",
              f"{r['p99_ms']:.2f}", f"{r['per_s']:,.0f}", f"{r['cpu_ms']:.3f}",
              f"{r['cold_p50_ms']:.1f} / {r['cold_max_ms']:.1f}",
              f"{r['rss_before']:.0f} → {r['rss_after']:.0f}"] for r in rows]
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"{args.clients} concurrent clients × {args.requests} requests each, keep-alive, "
          f"on {HOST} (server: kzlaw serve, one process; {os.cpu_count()} CPUs, load average "
          f"{load:.1f} at the end)")
    print(tabulate(table, headers=["corpus", "route", "requests", "errors", "p50 ms", "p99 ms",
                                   "requests/s", "server CPU ms/request",
                                   "first answer p50 / max ms", "server RSS MB"],
                   tablefmt="github", disable_numparse=True))
    for r in rows:
        if r["first_error"]:
            print(f"first error ({r['route']}): {r['first_error']}")
    return 1 if any(r["errors"] for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
