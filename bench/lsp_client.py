"""A minimal Language Server Protocol client over stdio, to time didChange -> publishDiagnostics."""

from __future__ import annotations

import json
import queue
import subprocess
import threading
import time
from collections.abc import Callable, Sequence
from typing import Any

URI = "file:///bench/draft.txt"


class LspClient:
    def __init__(self, command: Sequence[str]) -> None:
        self.process = subprocess.Popen(list(command), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        stderr=subprocess.DEVNULL)
        self.messages: queue.Queue[dict[str, Any]] = queue.Queue()
        self.next_id = 0
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        stream = self.process.stdout
        while True:
            length = None
            while True:
                line = stream.readline()
                if not line:
                    return
                line = line.strip()
                if not line:
                    break
                name, _, value = line.decode("ascii", "replace").partition(":")
                if name.lower() == "content-length":
                    length = int(value)
            if length is None:
                continue
            message = json.loads(stream.read(length))
            if "id" in message and "method" in message:  # a request from the server: answer it so it never waits
                self._send({"jsonrpc": "2.0", "id": message["id"], "result": None})
            else:
                self.messages.put(message)

    def _send(self, payload: dict[str, Any]) -> None:
        body = json.dumps(payload).encode("utf-8")
        self.process.stdin.write(f"Content-Length: {len(body)}\r\n\r\n".encode("ascii") + body)
        self.process.stdin.flush()

    def notify(self, method: str, params: dict[str, Any]) -> None:
        self._send({"jsonrpc": "2.0", "method": method, "params": params})

    def request(self, method: str, params: dict[str, Any] | None, timeout: float = 60) -> Any:
        self.next_id += 1
        ident = self.next_id
        self._send({"jsonrpc": "2.0", "id": ident, "method": method, "params": params})
        return self.wait_for(lambda m: m.get("id") == ident, timeout).get("result")

    def wait_for(self, wanted: Callable[[dict[str, Any]], bool], timeout: float) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError("no matching message from the language server")
            message = self.messages.get(timeout=remaining)
            if wanted(message):
                return message

    def close(self) -> None:
        try:
            self.request("shutdown", None, timeout=10)
            self.notify("exit", {})
            self.process.wait(timeout=10)
        except (TimeoutError, OSError, queue.Empty, subprocess.TimeoutExpired):
            self.process.kill()


def diagnostics_for(version: int) -> Callable[[dict[str, Any]], bool]:
    def wanted(message: dict[str, Any]) -> bool:
        if message.get("method") != "textDocument/publishDiagnostics":
            return False
        params = message.get("params") or {}
        return params.get("uri") == URI and params.get("version", version) == version

    return wanted


def change_latencies(command: Sequence[str], drafts: Sequence[str], *, debounce_ms: int = 0,
                     timeout: float = 30) -> list[float]:
    """Milliseconds from each didChange (full text) to the diagnostics for that version. A server that waits
    for typing to pause is asked for `debounce_ms` (its `initializationOptions.debounceMs`)."""
    client = LspClient(command)
    try:
        client.request("initialize", {"processId": None, "rootUri": None, "capabilities": {},
                                      "initializationOptions": {"debounceMs": debounce_ms}}, timeout=120)
        client.notify("initialized", {})
        client.notify("textDocument/didOpen", {"textDocument": {"uri": URI, "languageId": "plaintext", "version": 1,
                                                                 "text": drafts[0]}})
        client.wait_for(diagnostics_for(1), timeout=120)  # the first lint builds the pipeline
        latencies = []
        for version, text in enumerate(drafts, start=2):
            started = time.perf_counter()
            client.notify("textDocument/didChange", {"textDocument": {"uri": URI, "version": version},
                                                     "contentChanges": [{"text": text}]})
            client.wait_for(diagnostics_for(version), timeout=timeout)
            latencies.append((time.perf_counter() - started) * 1000)
        return latencies
    finally:
        client.close()
