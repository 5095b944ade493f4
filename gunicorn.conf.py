"""Gunicorn settings read from the working directory (`gunicorn wsgi:app`); the command line
still chooses workers and the bind address. Only the Prometheus bookkeeping lives here:

Several workers each count their own requests, so the metrics are kept in the client's
multiprocess mode: every process writes its samples to files in PROMETHEUS_MULTIPROC_DIR
(created here when unset; it must be set before the workers import prometheus_client) and a
scrape of any worker adds them up. The master empties the folder on start and marks a dead
worker's live values as gone. A scheduler process on the same host may share the folder
(same environment variable), so its daily-pass metrics are scraped from the web workers too.
"""
import os
import shutil
import tempfile

_created = False
if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="prometheus-")
    _created = True

# The access log (`--access-logfile -`) names the request id the app answered with.
access_log_format = ('%(h)s "%(r)s" %(s)s %(b)s %(M)sms rid=%({x-request-id}o)s')


def on_starting(server):
    folder = os.environ["PROMETHEUS_MULTIPROC_DIR"]
    os.makedirs(folder, exist_ok=True)
    for name in os.listdir(folder):
        if name.endswith(".db"):
            os.remove(os.path.join(folder, name))


def child_exit(server, worker):
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)


def on_exit(server):
    if _created:
        shutil.rmtree(os.environ["PROMETHEUS_MULTIPROC_DIR"], ignore_errors=True)
