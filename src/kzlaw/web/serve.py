"""``kzlaw serve``: listen on a loopback address (unless told otherwise) and answer from one
compiled corpus held in memory until stopped."""

from __future__ import annotations

import ipaddress
import socket
import sys
from typing import Optional

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


def allowed_hosts(host: str, address: Optional[str] = None):
    """The Host names a browser may send: the loopback names when bound to loopback (so a web
    page elsewhere cannot reach this server by rebinding a name of its own), anything when the
    user chose to serve a network address. ``address`` is the address the socket is bound to:
    a loopback address however ``host`` wrote it (``LOCALHOST``, ``0:0:0:0:0:0:0:1``) keeps
    the guard."""
    if host.lower() in LOCAL_NAMES or host.startswith("127.") or _loopback(host) or \
            (address is not None and _loopback(address)):
        name = host.lower()
        return ["127.0.0.1", "localhost", "[::1]", name] + \
            ([f"[{name.strip('[]')}]"] if ":" in name else [])
    return None


def _loopback(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address.strip("[]"))
    except ValueError:
        return False
    mapped = getattr(ip, "ipv4_mapped", None)  # ::ffff:127.0.0.1
    return ip.is_loopback or (mapped is not None and mapped.is_loopback)


def serve(corpus, host: str, port: int) -> None:
    sock = listen(host, port)
    app = create_app(corpus, allowed_hosts=allowed_hosts(host, sock.getsockname()[0]))
    shown = f"[{host.strip('[]')}]" if ":" in host else host
    print(f"kzlaw: serving {corpus.root} at http://{shown}:{sock.getsockname()[1]}/ "
          "(Ctrl-C to stop)", file=sys.stderr, flush=True)
    config = uvicorn.Config(app, log_level="warning", lifespan="off", access_log=False)
    uvicorn.Server(config).run(sockets=[sock])
