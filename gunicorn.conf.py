"""Production serving of the relying party: ``make serve``, or
``.venv/bin/gunicorn -c gunicorn.conf.py app:app``.

Several worker processes, each with a few threads, share nothing but the session store: with
more than one worker, set SESSION_BACKEND=redis (and REDIS_URL) so a browser signed in through
one worker is served by any other (files under instance/ work too, on one machine). Every
value here can be set from the environment.
"""

import os

bind = os.environ.get("APP_BIND", f"127.0.0.1:{os.environ.get('APP_PORT', '5000')}")
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
worker_class = "gthread"
threads = int(os.environ.get("APP_THREADS", "4"))
# A worker that stops answering its master for this long is replaced; requests are bounded by
# the app itself (PLATFORM_DEADLINE_SECONDS; an upload by its size), not by this.
timeout = 60
graceful_timeout = 20
keepalive = 5
# The access log shows the path without its query (a callback's code and state never reach
# it), the status, the time taken and the worker's pid.
accesslog = os.environ.get("APP_ACCESS_LOG", "-")
access_log_format = '%(h)s %(t)s "%(m)s %(U)s" %(s)s %(b)s %(L)ss pid=%(p)s'
errorlog = "-"
loglevel = os.environ.get("APP_LOG_LEVEL", "info")
limit_request_line = 8190
limit_request_fields = 100
