"""The web layer: error pages, security headers, CSRF, sessions, the access log."""

