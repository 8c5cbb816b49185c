"""The connected-app form of the console: what it offers (the scope catalog, described, and the
organization's contexts), what a person typed (``AppForm``, kept to re-show after a mistake),
and turning it into the same calls the JSON API makes (so the rules and messages match)."""

from dataclasses import dataclass, field

from flask import current_app, request

from ..access_management import connected_apps, context_scopes
from ..access_management.connected_apps import AppRuleError
from ..access_management.scopes import CATALOG, PRODUCT_SCOPES, describe
from ..storage import ConnectedApp, Organization, User


@dataclass
class AppForm:
    kind: str  # "user": acts on behalf of a user; "client": acts on its own behalf
    name: str = ""
    grant_types: list[str] = field(default_factory=lambda: ["authorization_code"])
    redirect_uris: str = ""
    client_uri: str = ""
    scopes: list[str] = field(default_factory=list)
    contexts: list[str] = field(default_factory=list)  # "scope|org_id|env_id-or-empty"

    @classmethod
    def blank(cls, kind: str) -> "AppForm":
        return cls(kind=kind, grant_types=["authorization_code", "refresh_token"]
                   if kind == "user" else ["client_credentials"])

    @classmethod
    def from_request(cls, kind: str) -> "AppForm":
        form = request.form
        grants = ["authorization_code", *(["refresh_token"] if form.get("refresh_token") else [])]
        return cls(kind=kind, name=form.get("name", "").strip(),
                   grant_types=grants if kind == "user" else ["client_credentials"],
                   redirect_uris=form.get("redirect_uris", ""),
                   client_uri=form.get("client_uri", "").strip(),
                   scopes=form.getlist("scope"), contexts=form.getlist("context"))

    @classmethod
    def of(cls, app: ConnectedApp) -> "AppForm":
        return cls(kind=app.app_type, name=app.name, grant_types=list(app.grant_types),
                   redirect_uris="\n".join(app.redirect_uris), client_uri=app.client_uri or "",
                   scopes=list(app.scopes),
                   contexts=[f"{scope}|{org}|{env or ''}" for scope, org, env
                             in context_scopes.current(app)])

    def body(self) -> dict:
        """The JSON API's body for these fields."""
        body = {"client_name": self.name, "grant_types": self.grant_types}
        if self.kind == "user":
            body.update(redirect_uris=[line.strip() for line in self.redirect_uris.splitlines()
                                       if line.strip()],
                        scopes=self.scopes, client_uri=self.client_uri or None)
        return body

    def context_rows(self, org: Organization) -> list[tuple]:
        entries = []
        for value in self.contexts:
            scope, _, rest = value.partition("|")
            org_id, _, env_id = rest.partition("|")
            params = {"org": org_id, **({"envId": env_id} if env_id else {})}
            entries.append({"scope": scope, "context_params": params})
        if not entries:
            raise AppRuleError("Choose at least one scope and where it applies.")
        rows = context_scopes.parse(entries, org)
        connected_apps.check_scope_count(len(rows))
        return rows


def save_new(form: AppForm, admin: User) -> ConnectedApp:
    """Create the app from the form (AppRuleError names what is wrong)."""
    org = admin.organization
    rows = form.context_rows(org) if form.kind == "client" else None
    if form.kind == "client":
        connected_apps.check_fields(form.body())
    app = connected_apps.create(org, admin, form.body())
    if rows is not None:
        context_scopes.replace(app, admin, rows)
    return app


def save_edit(form: AppForm, app: ConnectedApp, admin: User) -> None:
    rows = form.context_rows(admin.organization) if app.app_type == "client" else None
    connected_apps.check_fields(form.body(), existing=app)
    connected_apps.update(app, admin, form.body())
    if rows is not None and set(rows) != set(context_scopes.current(app)):
        context_scopes.replace(app, admin, rows)


def choices(org: Organization) -> dict:
    """What the form offers: every catalog scope (user apps), every product scope and the
    organization's contexts — the whole organization, or one environment (client apps)."""
    contexts = [(f"{org.id}|", "Whole organization")] + [
        (f"{org.id}|{env.id}", env.name) for env in org.environments]
    return {"catalog": CATALOG, "product_scopes": describe(PRODUCT_SCOPES),
            "contexts": contexts}


def described_scopes(app: ConnectedApp) -> list:
    return describe(app.scopes if app.app_type == "user" else dict.fromkeys(
        scope for scope, _org, _env in context_scopes.current(app)))


def app_limit() -> int:
    return current_app.config["SANDBOX_MAX_CONNECTED_APPS"]
