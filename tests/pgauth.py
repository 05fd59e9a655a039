"""A PostgreSQL server that wants a password, for the tests of asking for one.

The test server trusts every local login, so it never asks. :class:`PasswordProxy`
stands in front of it: it asks each client for a (cleartext) password, refuses a wrong
one with the server's own error ("password authentication failed"), and for the right
one passes the client's start-up message to the real server and relays the connection
from then on, so what opens behind it is a real store.
"""

from __future__ import annotations

import contextlib
import socket
import struct
import threading
from urllib.parse import urlsplit, urlunsplit

SSL_REQUEST, GSS_REQUEST = 80877103, 80877104


def _read_exact(sock: socket.socket, n: int) -> bytes:
    data = b""
    while len(data) < n:
        chunk = sock.recv(n - len(data))
        if not chunk:
            raise ConnectionError("client went away")
        data += chunk
    return data


def _error(message: str) -> bytes:
    fields = b"".join(code + text.encode() + b"\0" for code, text in
                      ((b"S", "FATAL"), (b"V", "FATAL"), (b"C", "28P01"), (b"M", message))) + b"\0"
    return b"E" + struct.pack("!i", len(fields) + 4) + fields


class PasswordProxy:
    """Listens on 127.0.0.1 (``port``); :meth:`address` turns a test server address into
    one through the proxy."""

    def __init__(self, upstream: str, password: str):
        parts = urlsplit(upstream)
        self.upstream = (parts.hostname or "127.0.0.1", parts.port or 5432)
        self.password = password
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.asked = 0                      # how many connections were asked for a password
        threading.Thread(target=self._serve, daemon=True).start()

    def address(self, url: str) -> str:
        parts = urlsplit(url)
        return urlunsplit(parts._replace(netloc=f"{parts.username}@127.0.0.1:{self.port}"))

    def close(self) -> None:
        self.listener.close()

    def _serve(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            threading.Thread(target=self._handle, args=(client,), daemon=True).start()

    def _handle(self, client: socket.socket) -> None:
        try:
            while True:
                length, code = struct.unpack("!ii", _read_exact(client, 8))
                if code in (SSL_REQUEST, GSS_REQUEST):
                    client.sendall(b"N")            # no encryption here: ask again in the clear
                    continue
                startup = struct.pack("!ii", length, code) + _read_exact(client, length - 8)
                break
            user = startup[8:].split(b"\0")
            user_name = user[user.index(b"user") + 1].decode() if b"user" in user else "?"
            self.asked += 1
            client.sendall(b"R" + struct.pack("!ii", 8, 3))     # AuthenticationCleartextPassword
            kind = _read_exact(client, 1)
            (size,) = struct.unpack("!i", _read_exact(client, 4))
            typed = _read_exact(client, size - 4).rstrip(b"\0").decode()
            if kind != b"p" or typed != self.password:
                client.sendall(_error(f'password authentication failed for user "{user_name}"'))
                client.close()
                return
            server = socket.create_connection(self.upstream)
            server.sendall(startup)
            threading.Thread(target=_pipe, args=(server, client), daemon=True).start()
            _pipe(client, server)
        except (ConnectionError, OSError):
            client.close()


def _pipe(source: socket.socket, target: socket.socket) -> None:
    try:
        while chunk := source.recv(65536):
            target.sendall(chunk)
    except OSError:
        pass
    finally:
        for sock in (source, target):
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
