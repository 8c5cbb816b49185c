"""The OpenID Provider metadata document, every URL derived from SANDBOX_BASE_URL."""

from ..access_management.scopes import all_scope_names

CLAIMS = ["sub", "iss", "aud", "exp", "iat", "auth_time", "nonce", "at_hash", "preferred_username",
          "name", "given_name", "family_name", "email", "email_verified"]


def openid_configuration(issuer: str) -> dict:
    """Discovery document for ``issuer`` (``<base>/accounts/api/v2/oauth2``); no
    ``end_session_endpoint``, since Anypoint has none."""
    return {
        "issuer": issuer,
        "authorization_endpoint": f"{issuer}/authorize",
        "token_endpoint": f"{issuer}/token",
        "userinfo_endpoint": f"{issuer}/userinfo",
        "jwks_uri": f"{issuer}/keys",
        "revocation_endpoint": f"{issuer}/revoke",
        "introspection_endpoint": f"{issuer}/introspect",
        "response_types_supported": ["code"],
        "response_modes_supported": ["query"],
        "grant_types_supported": ["authorization_code", "refresh_token", "client_credentials"],
        "token_endpoint_auth_methods_supported": ["client_secret_post", "client_secret_basic"],
        "revocation_endpoint_auth_methods_supported": ["client_secret_post", "client_secret_basic"],
        "introspection_endpoint_auth_methods_supported": [
            "client_secret_post", "client_secret_basic"],
        "code_challenge_methods_supported": ["S256"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "prompt_values_supported": ["none", "login", "consent"],
        "authorization_response_iss_parameter_supported": True,
        "scopes_supported": all_scope_names(),
        "claims_supported": CLAIMS,
    }
