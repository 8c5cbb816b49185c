"""Known open-redirect payloads (after PayloadsAllTheThings' "Open URL Redirect" list, OWASP's
unvalidated-redirects cheat sheet and the WHATWG URL parser's forgiving rules), aimed at
``evil.example``. Each must leave the browser on the app's own origin."""

PAYLOADS = [
    "//evil.example", "///evil.example", "////evil.example", "/\\evil.example",
    "\\/evil.example", "/\\/evil.example", "\\\\evil.example", "https://evil.example",
    "http://evil.example", "http:evil.example", "https:/evil.example", "//evil.example/",
    "//evil.example/%2F..", "//evil.example%2F%2F", "/%09/evil.example", "/%0a/evil.example",
    "/%0d/evil.example", "/%0D%0A/evil.example", "/\t/evil.example", "/\n/evil.example",
    "\t//evil.example", " //evil.example", "/%2F/evil.example", "/%2f%2fevil.example",
    "%2f%2fevil.example", "/%5cevil.example", "/%5C%5Cevil.example", "/%252F%252Fevil.example",
    "/%25252F%25252Fevil.example", "//%09/evil.example", "/%09//evil.example",
    "/\\\\evil.example", "\\\\/\\/evil.example", "//evil.example@app", "//user:pass@evil.example",
    "/\\user@evil.example", "https:\\\\evil.example", "http:/\\evil.example",
    "javascript:alert(1)", "JaVaScRiPt:alert(1)", "data:text/html,<script>alert(1)</script>",
    "//evil%E3%80%82example", "\x00//evil.example", "/\x00//evil.example",
    "/%00//evil.example", "///\\;@evil.example", "/.evil.example/..//evil.example",
    "/x/..//evil.example", "/x/%2e%2e//evil.example", "/x/%2E%2E/%2Fevil.example",
]

#: Paths that are the app's own and must be kept as they are.
KEPT = ["/access", "/deploy?environment=abc", "/access/lab#history", "/cicd/?workers=2",
        "/@evil.example", "/javascript:alert(1)"]
