"""Run the local Stripe-compatible server (localstripe) for the demo and the tests.

localstripe on its own listens on every interface and keeps its state in one
fixed file under the system temporary folder, shared by every run on the
machine. This module runs it bound to one host (127.0.0.1 by default) with its
state in a folder the caller chooses, and gives back a handle to stop it:

    server = start(port=8420, state_dir=some_dir)   # waits until it answers
    settings: STRIPE_API_BASE = server.url
    server.deliver_webhooks_to("http://127.0.0.1:8000/payments/stripe/webhook/", "whsec_localstripe")
    ...
    server.stop()

or from a shell: ``python -m storefront.payments.localserver --port 8420 --state-dir DIR``.
"""

import argparse
import os
import pickle
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

STATE_FILE = "localstripe.pickle"


def free_port(host="127.0.0.1"):
    """A TCP port nobody listens on right now (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


@dataclass
class LocalStripe:
    """A running localstripe process and where it answers."""

    process: subprocess.Popen
    host: str
    port: int
    state_dir: Path
    owns_state_dir: bool = False
    _stopped: bool = field(default=False, repr=False)

    @property
    def url(self):
        return f"http://{self.host}:{self.port}"

    @property
    def js_url(self):
        """The Stripe.js shim; the payment page loads it instead of js.stripe.com."""
        return f"{self.url}/js.stripe.com/v3/"

    def deliver_webhooks_to(self, url, secret, *, events=None, name="storefront"):
        """Have the server sign and POST its events to `url` (the storefront's webhook endpoint).

        localstripe sends each event about a second after the change, signed
        with `secret` like Stripe does. events: a list of types, or None for all.
        """
        data = [("url", url), ("secret", secret)] + [("events[]", event) for event in events or []]
        request = urllib.request.Request(
            f"{self.url}/_config/webhooks/{name}", data=urllib.parse.urlencode(data).encode(), method="POST"
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            if response.status != 200:
                raise RuntimeError(f"localstripe refused the webhook configuration: HTTP {response.status}")

    def stop(self, timeout=10):
        """Stop the server (and remove its state folder if start() made it)."""
        if self._stopped:
            return
        self._stopped = True
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=timeout)
        if self.owns_state_dir:
            for path in self.state_dir.glob("*"):
                path.unlink()
            self.state_dir.rmdir()

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.stop()


def start(port=None, state_dir=None, host="127.0.0.1", timeout=20, log_file=None):
    """Start localstripe in a child process and wait until it answers.

    port: a free one is picked when None. state_dir: where the server keeps its
    state; a new temporary folder (removed on stop) when None. log_file: an open
    file for the server's access log (discarded when None).
    Raises RuntimeError naming the port and the server's exit code when it does
    not come up.
    """
    port = port or free_port(host)
    owns_state_dir = state_dir is None
    state_dir = Path(state_dir or tempfile.mkdtemp(prefix="localstripe-"))
    state_dir.mkdir(parents=True, exist_ok=True)
    command = [
        sys.executable, "-m", "storefront.payments.localserver",
        "--host", host, "--port", str(port), "--state-dir", str(state_dir),
    ]
    env = dict(os.environ)
    # The child imports this module by name: give it the same import path.
    env["PYTHONPATH"] = os.pathsep.join([str(Path(__file__).resolve().parents[2]), env.get("PYTHONPATH", "")])
    output = log_file or subprocess.DEVNULL
    process = subprocess.Popen(command, stdout=output, stderr=output, env=env)
    server = LocalStripe(process=process, host=host, port=port, state_dir=state_dir, owns_state_dir=owns_state_dir)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            server.stop()
            raise RuntimeError(f"localstripe exited with code {process.returncode} before answering on {host}:{port}")
        try:
            with urllib.request.urlopen(server.js_url, timeout=1):
                return server
        except OSError:
            time.sleep(0.1)
    server.stop()
    raise RuntimeError(f"localstripe did not answer on {host}:{port} within {timeout} s")


def serve(host, port, state_dir):
    """Run localstripe in this process until it is stopped (the child side of start())."""
    from aiohttp import web
    from localstripe import server as localstripe_server
    from localstripe.resources import store

    state_file = Path(state_dir) / STATE_FILE

    def load():
        if state_file.exists():
            with state_file.open("rb") as handle:
                store.update(pickle.load(handle))

    def dump():
        # Write then rename, so a stop in the middle never leaves half a file.
        partial = state_file.with_suffix(".partial")
        with partial.open("wb") as handle:
            pickle.dump(dict(store), handle, protocol=pickle.HIGHEST_PROTOCOL)
        partial.replace(state_file)

    # The server's middleware calls store.dump_to_disk() after every write;
    # instance attributes win over the methods that use the shared fixed path.
    store.try_load_from_disk = load
    store.dump_to_disk = dump
    load()
    web.run_app(localstripe_server.app, host=host, port=port, print=None, access_log=None)


def main(argv=None):
    parser = argparse.ArgumentParser(description="Run localstripe bound to one host with its state in one folder.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8420)
    parser.add_argument("--state-dir", required=True, help="folder for the server's state file")
    args = parser.parse_args(argv)
    serve(args.host, args.port, args.state_dir)


if __name__ == "__main__":
    main()
