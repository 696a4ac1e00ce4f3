"""``kzlaw serve``: listen on a loopback address (unless told otherwise) and answer from one
compiled corpus held in memory until stopped."""

from __future__ import annotations

import socket
import sys

import uvicorn

from ..problems import KzlawError, Problem
from .app import create_app

LOCAL_NAMES = ("127.0.0.1", "localhost", "::1", "[::1]")


def listen(host: str, port: int) -> socket.socket:
    """A bound, listening socket; an address in use or not ours is one clear line."""
    try:
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        # IPPROTO_TCP, not 0: asyncio sets TCP_NODELAY only on sockets that say they are TCP,
        # and without it every keep-alive answer waits ~40 ms for a delayed ACK (Nagle).
        sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host.strip("[]"), port))
        sock.listen(2048)
    except (OSError, OverflowError) as e:
        reason = getattr(e, "strerror", None) or str(e)
        raise KzlawError([Problem("serve", 0, f"cannot listen on {host}:{port}: {reason}")]) \
            from None
    sock.set_inheritable(True)
    return sock


def allowed_hosts(host: str):
    """The Host names a browser may send: the loopback names when bound to loopback (so a web
    page elsewhere cannot reach this server by rebinding a name of its own), anything when the
    user chose to serve a network address."""
    if host in LOCAL_NAMES or host.startswith("127."):
        return ["127.0.0.1", "localhost", "[::1]", host.lower()]
    return None


def serve(corpus, host: str, port: int) -> None:
    sock = listen(host, port)
    app = create_app(corpus, allowed_hosts=allowed_hosts(host))
    shown = f"[{host.strip('[]')}]" if ":" in host else host
    print(f"kzlaw: serving {corpus.root} at http://{shown}:{sock.getsockname()[1]}/ "
          "(Ctrl-C to stop)", file=sys.stderr, flush=True)
    config = uvicorn.Config(app, log_level="warning", lifespan="off", access_log=False)
    uvicorn.Server(config).run(sockets=[sock])
