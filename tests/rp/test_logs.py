"""The access log of the app's server never carries a callback's authorization code or state."""

import io
import logging

from relying_party.web.logs import RedactRequestLines


def log_line(request_line: str) -> str:
    """What werkzeug's access log prints for ``request_line``, through the filter."""
    stream = io.StringIO()
    logger = logging.getLogger("test-access-log")
    handler = logging.StreamHandler(stream)
    logger.addHandler(handler)
    logger.addFilter(RedactRequestLines())
    logger.propagate = False
    try:
        logger.warning('"%s" %s %s', request_line, "302", "-")
    finally:
        logger.removeHandler(handler)
        logger.filters.clear()
    return stream.getvalue()


def test_callback_code_and_state_are_fingerprinted():
    line = log_line("GET /auth/callback?code=SplxlOBeZQQYbYS6WxSbIA&state=af0ifjsldkj&iss=x "
                    "HTTP/1.1")
    assert "SplxlOBeZQQYbYS6WxSbIA" not in line and "af0ifjsldkj" not in line
    assert "code=fp:" in line and "state=fp:" in line and "iss=x" in line
    assert line.startswith('"GET /auth/callback?') and line.rstrip().endswith('HTTP/1.1" 302 -')


def test_coloured_request_lines_and_plain_paths():
    coloured = log_line("\x1b[31m\x1b[1mGET /auth/callback?code=abc123secret HTTP/1.1\x1b[0m")
    assert "abc123secret" not in coloured and "code=fp:" in coloured
    assert log_line("GET /static/style.css HTTP/1.1").startswith('"GET /static/style.css HTTP/1.1"')


def test_the_served_app_logs_no_code(lab, caplog):
    rp = lab()
    caplog.set_level(logging.INFO, logger="werkzeug")
    rp.browser.get(rp.url + "/auth/callback?code=Zm9yZWlnbi1jb2Rl&state=bm90LW1pbmU", timeout=10)
    lines = [record.getMessage() for record in caplog.records if record.name == "werkzeug"]
    callback = [line for line in lines if "/auth/callback?" in line]
    assert callback, lines
    assert all("Zm9yZWlnbi1jb2Rl" not in line and "bm90LW1pbmU" not in line for line in lines)
    assert "code=fp:" in callback[0]
