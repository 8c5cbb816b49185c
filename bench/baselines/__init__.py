"""What the benchmarks compare the app against, served by gunicorn with the app's settings:
``bare_flask`` (Flask + Flask-Session, pages from session data) and ``authlib_rp`` (a plain
Flask + Authlib relying party, as Authlib's documentation shows)."""
