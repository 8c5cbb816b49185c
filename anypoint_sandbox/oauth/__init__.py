"""The OAuth 2.0 / OpenID Connect provider: Authlib's server, grants, keys, endpoints, and
the sign-in and consent pages."""


