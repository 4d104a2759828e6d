"""The overall deadline of one upstream call, held by the sockets themselves.

httpx's timeouts bound each socket operation, so an answer trickled a byte at a time never
times out. Here every read and write of the call's sockets is given at most what is left of
the call's deadline, so the whole call ends by it, however the other side paces its bytes.
"""

from __future__ import annotations

import contextvars
import ssl
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

import httpcore
import httpx

# When the current thread's upstream call must be over (time.monotonic()), or None.
_deadline: contextvars.ContextVar[float | None] = contextvars.ContextVar(
    "upstream_deadline", default=None)


@contextmanager
def call_deadline(seconds: float) -> Iterator[float]:
    """Within the block, the current call must be over ``seconds`` from now; yields that
    moment (``time.monotonic()``)."""
    deadline = time.monotonic() + seconds
    reset = _deadline.set(deadline)
    try:
        yield deadline
    finally:
        _deadline.reset(reset)


def deadline_passed() -> bool:
    """True once the current call's deadline has passed (False outside a call)."""
    deadline = _deadline.get()
    return deadline is not None and time.monotonic() >= deadline


def _within_deadline(timeout: float | None, expired: type[Exception]) -> float | None:
    """``timeout`` cut to what is left of the call's deadline; ``expired`` once it passed."""
    deadline = _deadline.get()
    if deadline is None:
        return timeout
    left = deadline - time.monotonic()
    if left <= 0:
        raise expired("The call's deadline passed.")
    return left if timeout is None else min(timeout, left)


class _DeadlineStream(httpcore.NetworkStream):
    """A socket stream whose every read and write ends by the call's deadline, however
    slowly (a byte every few seconds) the other side trickles."""

    def __init__(self, stream: httpcore.NetworkStream):
        self._stream = stream

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._stream.read(max_bytes, _within_deadline(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._stream.write(buffer, _within_deadline(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._stream.close()

    def start_tls(self, ssl_context: ssl.SSLContext, server_hostname: str | None = None,
                  timeout: float | None = None) -> httpcore.NetworkStream:
        return _DeadlineStream(self._stream.start_tls(
            ssl_context, server_hostname, _within_deadline(timeout, httpcore.ConnectTimeout)))

    def get_extra_info(self, info: str) -> Any:
        return self._stream.get_extra_info(info)


class _DeadlineBackend(httpcore.SyncBackend):
    def connect_tcp(self, host: str, port: int, timeout: float | None = None,
                    local_address: str | None = None,
                    socket_options: Iterable[Any] | None = None) -> httpcore.NetworkStream:
        timeout = _within_deadline(timeout, httpcore.ConnectTimeout)
        return _DeadlineStream(super().connect_tcp(host, port, timeout, local_address,
                                                   socket_options))


def deadline_transport(limits: httpx.Limits) -> httpx.HTTPTransport:
    """httpx's own transport, its sockets wrapped so that the deadline holds."""
    transport = httpx.HTTPTransport(limits=limits)
    transport._pool._network_backend = _DeadlineBackend()  # httpx offers no public hook
    return transport
