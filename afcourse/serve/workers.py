"""N worker processes on one port, each with a listening socket of its own (``afcourse serve --workers N``).

uvicorn's own way binds one socket in the parent and lets every worker accept from
it; whichever worker wakes first then takes a whole burst of new connections (37 of
50 to one of two workers in ``bench/bench_serve.py``, the other one half idle, and
its students waiting). Here the parent still binds the port (so it is taken, and
uvicorn still supervises and restarts the workers), but with SO_REUSEPORT, and each
worker that receives the parent's socket gets instead a listening socket of its own on
the same address: the kernel deals new connections evenly among them. Linux and the
BSDs have SO_REUSEPORT; elsewhere :mod:`afcourse.serve.server` uses uvicorn's way. A
port already in use is refused as uvicorn refuses it (SO_REUSEPORT alone would let a
second server share it).
"""

from __future__ import annotations

import logging
import socket
import sys

import uvicorn
from uvicorn.config import STARTUP_FAILURE
from uvicorn.supervisors import Multiprocess

logger = logging.getLogger("uvicorn.error")


def listening_socket(family: int, address: tuple) -> socket.socket:
    """A worker's own socket on the port, in the port's SO_REUSEPORT group (uvicorn makes it listen)."""
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind(address)
    sock.set_inheritable(True)
    return sock


class PortShare(socket.socket):
    """The port as the parent holds it: bound, never listening; sent to a worker, it arrives as
    :func:`listening_socket` on the same address."""

    def __reduce__(self):
        return listening_socket, (self.family, self.getsockname())


class SpreadConfig(uvicorn.Config):
    """uvicorn's settings, with the parent's socket a :class:`PortShare`."""

    def bind_socket(self) -> socket.socket:
        family = socket.AF_INET6 if ":" in self.host else socket.AF_INET
        # SO_REUSEPORT would let a second server of this user share a port already in use, each taking some of
        # the other's students: first make sure the port is free, as a plain bind says
        with socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                probe.bind((self.host, self.port))
            except OSError as exc:
                logger.error("cannot listen on %s port %d: %s", self.host, self.port, exc.strerror or exc)
                sys.exit(STARTUP_FAILURE)
        sock = PortShare(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        sock.bind((self.host, self.port))
        sock.set_inheritable(True)
        return sock


def run_workers(app: str, workers: int, **settings) -> None:
    """Run ``workers`` processes of the app factory ``app`` under uvicorn's supervisor until interrupted."""
    config = SpreadConfig(app, factory=True, workers=workers, **settings)
    Multiprocess(config, sockets=[config.bind_socket()]).run()
