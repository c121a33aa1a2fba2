"""With a broker configured, tasks run in a separate Celery worker process."""

import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

import pytest
from celery import Celery

ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")


def reachable(url):
    parsed = urlparse(url)
    try:
        with socket.create_connection((parsed.hostname, parsed.port or 6379), timeout=1):
            return True
    except OSError:
        return False


pytestmark = [
    pytest.mark.redis,
    pytest.mark.skipif(not reachable(REDIS_URL), reason=f"Redis is not reachable at {REDIS_URL}"),
]


@pytest.fixture
def worker(tmp_path):
    # A database number of its own, so the test's queue is empty and private.
    broker = REDIS_URL.rsplit("/", 1)[0] + "/13"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "storefront.settings.dev",
        "CELERY_BROKER_URL": broker,
        "CELERY_RESULT_BACKEND": broker,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'worker.sqlite3'}",
        "STOREFRONT_VAR_DIR": str(tmp_path),
        # the checkout these tests live in, not whichever copy is installed
        "PYTHONPATH": os.pathsep.join(str(ROOT / folder) for folder in ("site", "plugins")),
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "storefront", "worker", "--pool", "solo", "--loglevel", "warning",
         "--without-gossip", "--without-mingle", "--without-heartbeat"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )
    yield broker, process
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()


def test_a_task_runs_in_a_separate_worker_process(worker):
    broker, process = worker
    client = Celery("test-client", broker=broker, backend=broker)
    result = client.send_task("storefront.ops.tasks.worker_ping")
    deadline = time.monotonic() + 60
    while not result.ready():
        assert process.poll() is None, process.stdout.read().decode()
        assert time.monotonic() < deadline, "the worker did not run the task within 60 s"
        time.sleep(0.2)
    # disable_sync_subtasks: this test is not a task, whatever an earlier test left on Celery's task stack
    answer = result.get(timeout=5, disable_sync_subtasks=False)
    assert answer["pid"] == process.pid
    assert answer["pid"] != os.getpid()
