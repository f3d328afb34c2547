"""Network faults on loopback: a TCP proxy that cuts connections at random byte offsets,
answers 503 or stays silent (timeouts), throttles to a bit rate and drops every connection
every N seconds. Used by the fault tests and by benchmarks/sync_*.py."""

from __future__ import annotations

import random
import socket
import threading
import time
from dataclasses import dataclass, field


@dataclass
class Faults:
    cut_probability: float = 0.0       # chance that a connection is cut after a random byte count
    cut_max_bytes: int = 200_000       # the cut point is uniform in [1, cut_max_bytes]
    http_503_probability: float = 0.0  # answer 503 instead of forwarding
    http_500_probability: float = 0.0
    silent_probability: float = 0.0    # accept and never answer (client timeout)
    rate_bytes_per_s: float | None = None
    drop_every_s: float | None = None
    max_faults: int | None = None      # stop injecting after this many (so a run can finish)
    # The proxy's receive buffer towards the client (SO_RCVBUF), None: the kernel's. Loopback's
    # autotuned buffers take a whole 256 KiB piece at once and hide a slow link from the sender;
    # a real WAN's window (~2 x cwnd) does not.
    receive_buffer: int | None = None
    seed: int = 0


@dataclass
class FaultProxy:
    target_port: int
    faults: Faults = field(default_factory=Faults)
    upstream_bytes: int = 0
    faults_injected: int = 0

    def __post_init__(self) -> None:
        self._rnd = random.Random(self.faults.seed)
        self._lock = threading.Lock()
        self._listener = socket.socket()
        self._listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if self.faults.receive_buffer:  # set before listen(): accepted sockets inherit it
            self._listener.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, self.faults.receive_buffer)
        self._listener.bind(("127.0.0.1", 0))
        self._listener.listen(64)
        self.port = self._listener.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self._stopped = threading.Event()
        self._conns: set[socket.socket] = set()
        threading.Thread(target=self._accept, daemon=True).start()
        if self.faults.drop_every_s:
            threading.Thread(target=self._dropper, daemon=True).start()

    def stop(self) -> None:
        self._stopped.set()
        self._listener.close()
        self._drop_all()

    def _may_fault(self, probability: float) -> bool:
        with self._lock:
            if self.faults.max_faults is not None and self.faults_injected >= self.faults.max_faults:
                return False
            if probability and self._rnd.random() < probability:
                self.faults_injected += 1
                return True
            return False

    def _drop_all(self) -> None:
        with self._lock:
            conns, self._conns = list(self._conns), set()
        for s in conns:
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            s.close()

    def _dropper(self) -> None:
        while not self._stopped.wait(self.faults.drop_every_s):
            self._drop_all()

    def _accept(self) -> None:
        while not self._stopped.is_set():
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            threading.Thread(target=self._handle, args=(client,), daemon=True).start()

    def _handle(self, client: socket.socket) -> None:
        f = self.faults
        if self._may_fault(f.silent_probability):
            time.sleep(30)
            client.close()
            return
        for status, p in (("503 Service Unavailable", f.http_503_probability),
                          ("500 Internal Server Error", f.http_500_probability)):
            if self._may_fault(p):
                try:
                    client.recv(65536)
                    client.sendall(f"HTTP/1.1 {status}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".encode())
                finally:
                    client.close()
                return
        try:
            server = socket.create_connection(("127.0.0.1", self.target_port))
        except OSError:
            client.close()
            return
        budget = [self._rnd.randint(1, f.cut_max_bytes) if self._may_fault(f.cut_probability) else None]
        with self._lock:
            self._conns.update((client, server))
        threading.Thread(target=self._pipe, args=(client, server, True, budget), daemon=True).start()
        self._pipe(server, client, False, budget)

    def _pipe(self, src: socket.socket, dst: socket.socket, upstream: bool, budget: list) -> None:
        rate = self.faults.rate_bytes_per_s
        try:
            while True:
                data = src.recv(4096 if rate else 65536)
                if not data:
                    break
                if budget[0] is not None:
                    if len(data) >= budget[0]:
                        data = data[: budget[0]]
                        dst.sendall(data)
                        self._count(upstream, len(data))
                        raise ConnectionAbortedError("cut")
                    budget[0] -= len(data)
                if rate:
                    time.sleep(len(data) / rate)
                dst.sendall(data)
                self._count(upstream, len(data))
        except OSError:
            pass
        finally:
            for s in (src, dst):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                s.close()

    def _count(self, upstream: bool, n: int) -> None:
        if upstream:
            with self._lock:
                self.upstream_bytes += n
