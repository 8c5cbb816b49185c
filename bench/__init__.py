"""Benchmarks of Connected App Lab (``make bench``): each script measures rows of issue #12's
table against a baseline measured in the same run, interleaved. They reach the app only over HTTP
and through process statistics: its public factory under gunicorn, never its internals."""
