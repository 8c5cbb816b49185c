"""Demo data: the Training organization, its environments, three users and two connected apps.

Passwords and client secrets are generated on every seed and returned once; nothing is
hard-coded. Signing keys and the session secret are kept, so a running sandbox stays valid.
"""

import secrets
import uuid

from .access_management.scopes import PRODUCT_SCOPES, all_scope_names
from .storage import (
    Base,
    ConnectedApp,
    ConnectedAppScope,
    Environment,
    Organization,
    OrganizationOwnership,
    OrganizationPreference,
    Setting,
    SigningKey,
    User,
    UserRight,
)
from .storage import session as db_session
from .web.session import hash_password

APP_CALLBACK = "http://localhost:5000/auth/callback"
RUNTIME_MANAGER = ("read:applications", "create:applications", "manage:application_settings",
                   "delete:applications")
CI_SCOPES = (*RUNTIME_MANAGER, "view:environment")
KEPT_TABLES = {SigningKey.__tablename__, Setting.__tablename__}
PEOPLE = (  # username, first name, last name, role
    ("admin", "Alex", "Rivera", "admin"),
    ("developer", "Sam", "Chen", "developer"),
    ("viewer", "Jordan", "Lee", "viewer"),
)


def _clear(session) -> None:
    for table in reversed(Base.metadata.sorted_tables):
        if table.name not in KEPT_TABLES:
            session.execute(table.delete())


def _rights(role: str, sandbox: Environment) -> list[UserRight]:
    if role == "admin":
        return [UserRight(scope=scope, environment_id=None) for scope in PRODUCT_SCOPES]
    if role == "developer":
        return [UserRight(scope=scope, environment_id=sandbox.id) for scope in RUNTIME_MANAGER] + [
            UserRight(scope="view:environment", environment_id=None)]
    return [UserRight(scope=scope, environment_id=None)
            for scope in ("read:applications", "view:environment")]


def seed_demo(redirect_uris=()) -> dict:
    """(Re)create the demo data (inside an app context) and return it as
    ``{"organization": {...}, "users": [{username, password, role}],
    "apps": [{name, client_id, client_secret, grant_types, redirect_uris, scopes}]}``."""
    session = db_session()
    _clear(session)
    root = Organization(name="Training", domain="training")
    group = Organization(name="Training Engineering", domain="training-engineering", parent=root)
    envs = [Environment(name="Sandbox", type="sandbox", is_production=False, organization=root),
            Environment(name="Design", type="design", is_production=False, organization=root),
            Environment(name="Production", type="production", is_production=True,
                        organization=root)]
    session.add_all([root, group, *envs])
    session.flush()
    users, people = [], []
    for username, first, last, role in PEOPLE:
        password = secrets.token_urlsafe(12)
        user = User(username=username, password_hash=hash_password(password),
                    first_name=first, last_name=last, email=f"{username}@training.example.com",
                    role=role, organization=root, rights=_rights(role, envs[0]))
        session.add(user)
        users.append(user)
        people.append({"username": username, "password": password, "role": role})
    session.flush()
    # The admin owns both organizations; everyone starts in Sandbox (``organizationPreferences``,
    # which MuleSoft's CLI follows when no --environment is given).
    session.add_all([OrganizationOwnership(organization=org, owner=users[0])
                     for org in (root, group)])
    session.add_all([OrganizationPreference(user_id=user.id, organization_id=root.id,
                                            default_environment_id=envs[0].id) for user in users])
    lab = ConnectedApp(
        client_id=uuid.uuid4().hex, client_secret=secrets.token_hex(16), name="Connected App Lab",
        app_type="user", grant_types=["authorization_code", "refresh_token"],
        redirect_uris=list(dict.fromkeys([APP_CALLBACK, *redirect_uris])),
        scopes=all_scope_names(), owner_org_id=root.id, owner_user_id=users[0].id)
    deployer = ConnectedApp(
        client_id=uuid.uuid4().hex, client_secret=secrets.token_hex(16), name="CI Deployer",
        app_type="client", grant_types=["client_credentials"], redirect_uris=[],
        scopes=list(CI_SCOPES), owner_org_id=root.id, owner_user_id=users[0].id,
        # It sees every environment of the organization but deploys only to Sandbox, so a
        # pipeline aimed at Production is refused with a 403 that names the missing scope.
        context_scopes=[ConnectedAppScope(scope="view:environment", organization_id=root.id),
                        *(ConnectedAppScope(scope=scope, organization_id=root.id,
                                            environment_id=envs[0].id)
                          for scope in RUNTIME_MANAGER)])
    session.add_all([lab, deployer])
    session.commit()
    return {
        "organization": {
            "id": root.id, "name": root.name, "domain": root.domain,
            "businessGroups": [{"id": group.id, "name": group.name}],
            "environments": [{"id": env.id, "name": env.name, "type": env.type,
                              "isProduction": env.is_production} for env in envs],
        },
        "users": people,
        "apps": [{"name": app.name, "client_id": app.client_id,
                  "client_secret": app.client_secret, "grant_types": list(app.grant_types),
                  "redirect_uris": list(app.redirect_uris), "scopes": list(app.scopes)}
                 for app in (lab, deployer)],
    }
