"""Operational tasks: a ping that tells which worker process ran it."""

import os
import socket

from celery import shared_task


@shared_task
def worker_ping():
    """Return the identity of the process that ran the task (used by health checks and tests)."""
    return {"pid": os.getpid(), "host": socket.gethostname()}
