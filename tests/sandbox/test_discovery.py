"""Discovery document and JWKS."""

from authlib.oauth2.rfc9207 import AuthorizationServerMetadata as IssuerMetadata
from authlib.oidc.discovery import OpenIDProviderMetadata

from anypoint_sandbox import create_app
from tests.support.sandbox_client import ISSUER

DISCOVERY = "/accounts/api/v2/oauth2/.well-known/openid-configuration"


def test_discovery_document_validates_and_lists_the_contract(client):
    doc = client.get(DISCOVERY).json
    OpenIDProviderMetadata(doc).validate(metadata_classes=[IssuerMetadata])
    assert doc["issuer"] == ISSUER
    assert doc["jwks_uri"] == f"{ISSUER}/keys"
    for name in ("authorize", "token", "userinfo", "revoke", "introspect"):
        assert f"{ISSUER}/{name}" in doc.values()
    assert doc["response_types_supported"] == ["code"]
    assert set(doc["grant_types_supported"]) == {
        "authorization_code", "refresh_token", "client_credentials"}
    assert set(doc["token_endpoint_auth_methods_supported"]) == {
        "client_secret_post", "client_secret_basic"}
    assert doc["code_challenge_methods_supported"] == ["S256"]
    assert doc["id_token_signing_alg_values_supported"] == ["RS256"]
    assert doc["authorization_response_iss_parameter_supported"] is True
    assert {"openid", "profile", "email", "offline_access", "full", "read:full",
            "read:applications", "create:applications", "delete:applications",
            "manage:application_settings", "view:environment",
            "read:audit_logs"} <= set(doc["scopes_supported"])
    assert {"sub", "preferred_username", "email"} <= set(doc["claims_supported"])
    assert "end_session_endpoint" not in doc


def test_every_url_follows_the_base_url(tmp_path):
    app = create_app({"SANDBOX_DATABASE_URL": f"sqlite:///{tmp_path / 'b.db'}",
                      "SANDBOX_BASE_URL": "https://anypoint.example.test/"})
    doc = app.test_client().get(DISCOVERY).json
    app.extensions["sandbox_storage"].dispose()
    assert doc["issuer"] == "https://anypoint.example.test/accounts/api/v2/oauth2"
    urls = [value for key, value in doc.items() if key.endswith(("_endpoint", "_uri"))]
    assert len(urls) == 6
    assert all(url.startswith(doc["issuer"] + "/") for url in urls)


def test_jwks_publishes_an_rs256_public_key_with_kid(client):
    keys = client.get("/accounts/api/v2/oauth2/keys").json["keys"]
    assert len(keys) == 1
    assert keys[0]["kty"] == "RSA" and keys[0]["alg"] == "RS256" and keys[0]["kid"]
    assert "d" not in keys[0]  # never the private part
