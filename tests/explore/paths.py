"""The corpus of paths the explorer must refuse, and of ones it must send as written."""

BASE = "http://anypoint.test"

#: Paths that could send the token elsewhere, or be read as another path once sent.
TRICKY = [
    "https://evil.example/accounts/api/me",
    "http://anypoint.test/accounts/api/me",  # a URL even to the right host: a path is asked
    "HTTPS://evil.example",
    "javascript:alert(1)",
    "evil.example/accounts/api/me",
    "accounts/api/me",
    "//evil.example/accounts/api/me",
    "///evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "/accounts\\api\\me",
    "/%2F%2Fevil.example",
    "/%2f/evil.example",
    "/%252F%252Fevil.example",
    "/%5Cevil.example",
    "/%5c%5cevil.example",
    "/accounts/api/../../evil",
    "/accounts/api/%2E%2E/%2e%2e/evil",
    "/accounts/api/%252E%252E/evil",
    "/accounts/./api/me",
    "/accounts/api/me/..",
    "/accounts/api/me%0D%0AHost:%20evil.example",
    "/accounts/api/me%0aX-Injected:%201",
    "/accounts/api/me?x=%0D%0A",
    "/accounts/api/me%00",
    "/accounts/api/me\r\nHost: evil.example",
    "/accounts/api/me\nX: 1",
    "/accounts/api/me\tx",
    "/accounts/api/me x",
    "/accounts/api/mé",
    "/accounts/api/me\u2028",
    "/accounts/api/me#fragment",
    "/%68%74%74%70%73%3A%2F%2Fevil.example",
    "/https://evil.example",
    "/%25%32%35%32%35%32%35%32%46",  # still changing after four decodings
    "",
    "   ",
    "/" + "a" * 2001,
]

#: Paths sent exactly as written.
PLAIN = [
    "/accounts/api/me",
    "/accounts/api/organizations/org-1/environments",
    "/cloudhub/api/v2/applications?retrieveStatistics=false",
    "/accounts/api/connectedApplications?limit=5&offset=0",
    "/cloudhub/api/v2/applications/hello%20app",
    "/accounts/api/users/me/@alias",
    "/search?q=a..b",
    "/search?next=https://elsewhere.example/",
]
