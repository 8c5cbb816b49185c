"""``authorize_scope``: granted scopes intersected with the user's own rights per environment."""

import pytest
from sqlalchemy import select

from anypoint_sandbox.access_management.permissions import authorize_scope
from anypoint_sandbox.storage import ConnectedApp, Environment, Token, User, session


@pytest.fixture
def world(app, seed):
    with app.app_context():
        db = session()
        envs = {env.name: env for env in db.scalars(select(Environment))}
        users = {user.username: user for user in db.scalars(select(User))}
        apps = {a.name: a for a in db.scalars(select(ConnectedApp))}

        def token(username, scope):
            if username is None:
                app = apps["CI Deployer"]
                return Token(client=app, client_id=app.client_id, user=None, user_id=None,
                             scope=scope)
            user = users[username]
            return Token(client=apps["Connected App Lab"], user=user, user_id=user.id,
                         scope=scope)

        yield envs, token


def test_user_needs_both_the_scope_and_the_right(world):
    envs, token = world
    developer = token("developer", "create:applications")
    assert authorize_scope(developer, "create:applications", envs["Sandbox"]) is None
    reason = authorize_scope(developer, "create:applications", envs["Production"])
    assert "developer" in reason and "create:applications" in reason and "Production" in reason
    reason = authorize_scope(developer, "delete:applications", envs["Sandbox"])
    assert "not granted the 'delete:applications' scope" in reason


def test_full_and_read_full(world):
    envs, token = world
    viewer_full = token("viewer", "full")
    assert authorize_scope(viewer_full, "read:applications", envs["Production"]) is None
    assert "viewer" in authorize_scope(viewer_full, "create:applications", envs["Sandbox"])
    admin_read = token("admin", "read:full")
    assert authorize_scope(admin_read, "read:applications", envs["Production"]) is None
    assert authorize_scope(admin_read, "view:environment") is None
    assert "'full'" in authorize_scope(admin_read, "create:applications", envs["Sandbox"])
    assert authorize_scope(token("admin", "full"), "delete:applications",
                           envs["Production"]) is None


def test_organization_wide_question_means_anywhere(world):
    envs, token = world
    assert authorize_scope(token("developer", "read:applications"), "read:applications") is None
    assert authorize_scope(token("viewer", "read:audit_logs"), "read:audit_logs") is not None
    assert authorize_scope(token("admin", "read:audit_logs"), "read:audit_logs") is None


def test_client_credentials_follow_context_scopes(world):
    envs, token = world
    ci = token(None, "read:applications create:applications view:environment")
    assert authorize_scope(ci, "create:applications", envs["Sandbox"]) is None
    assert "Production" in authorize_scope(ci, "create:applications", envs["Production"])
    assert authorize_scope(ci, "profile") is None
    narrowed = token(None, "read:applications")
    assert "create:applications" in authorize_scope(narrowed, "create:applications",
                                                     envs["Sandbox"])
