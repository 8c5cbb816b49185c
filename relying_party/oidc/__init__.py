"""OpenID Connect as the relying party does it: discovery, the authorization request,
ID token checks, completing a sign-in. No Flask."""


