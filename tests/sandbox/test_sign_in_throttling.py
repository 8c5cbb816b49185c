"""Password guessing is slowed down: after SANDBOX_SIGNIN_MAX_FAILURES (5) failed sign-ins of
one account, or SANDBOX_SIGNIN_MAX_FAILURES_PER_ADDRESS (20) from one client address, or
SANDBOX_CLIENT_MAX_FAILURES (10) wrong secrets of one connected app, within
SANDBOX_THROTTLE_WINDOW_SECONDS (300), attempts get 429 with ``Retry-After`` and plain words
until the window has passed (the clock is moved, never waited for). A success resets the
account's count; other accounts and other addresses are not held up."""

import base64

import pytest

from tests.support.pages import csrf_of
from tests.support.sandbox_client import TOKEN

WINDOW = 300
ACCOUNT_LIMIT = 5
ADDRESS_LIMIT = 20
CLIENT_LIMIT = 10


class Attempts:
    """Sign-in attempts at the console's form or an authorization's, from any address."""

    def __init__(self, client, seed, sign_in):
        self.client, self.seed, self.sign_in = client, seed, sign_in

    def password(self, username: str) -> str:
        return next(user["password"] for user in self.seed["users"]
                    if user["username"] == username)

    def console(self, username: str, password: str | None = None, address="127.0.0.1"):
        env = {"REMOTE_ADDR": address}
        page = self.client.get("/console/sign-in", environ_base=env)
        return self.client.post("/console/sign-in", environ_base=env, data={
            "csrf_token": csrf_of(page.text), "username": username,
            "password": self.password(username) if password is None else password})

    def authorization(self, username: str, password: str | None = None):
        location = self.sign_in.authorize().headers["Location"]
        return self.sign_in.login(location, username, password)


@pytest.fixture
def attempts(client, seed, sign_in, clock) -> Attempts:
    """Attempts on a stopped clock, so that a wait is exactly what the test expects."""
    return Attempts(client, seed, sign_in)


def _refused(answer, what: str, seconds: int) -> None:
    assert answer.status_code == 429, answer.text[:300]
    assert answer.headers["Retry-After"] == str(seconds)
    assert f"Too many failed sign-ins {what}; try again in {seconds} seconds." in answer.text


def test_an_account_is_locked_after_five_failures_and_recovers_after_the_window(attempts,
                                                                                clock):
    for _ in range(ACCOUNT_LIMIT - 1):
        assert attempts.console("developer", "wrong").status_code == 401
    _refused(attempts.console("developer", "wrong"), "for this account", WINDOW)
    clock.advance(100)
    # The right password does not get through a lock either, and the wait counts down.
    _refused(attempts.console("developer"), "for this account", WINDOW - 100)
    clock.advance(WINDOW - 100 - 2)
    _refused(attempts.console("developer"), "for this account", 2)
    clock.advance(2)
    assert attempts.console("developer").status_code == 302


def test_forty_wrong_passwords_in_a_row_are_answered_with_429_after_the_fifth(attempts):
    statuses = [attempts.authorization("viewer", f"guess-{n}").status_code for n in range(40)]
    assert statuses == [401] * (ACCOUNT_LIMIT - 1) + [429] * (40 - ACCOUNT_LIMIT + 1)


def test_the_authorization_sign_in_page_says_so_in_words(attempts):
    for _ in range(ACCOUNT_LIMIT):
        attempts.authorization("admin", "wrong")
    answer = attempts.authorization("admin")
    _refused(answer, "for this account", WINDOW)
    assert 'name="password"' in answer.text  # the form is still there for later
    assert answer.headers["Cache-Control"] == "no-store"


def test_a_success_resets_the_account_count(attempts):
    for _round in range(3):
        for _ in range(ACCOUNT_LIMIT - 1):
            assert attempts.console("developer", "wrong").status_code == 401
        assert attempts.console("developer").status_code == 302
        attempts.client.post("/console/sign-out", data={"csrf_token": csrf_of(
            attempts.client.get("/console/profile/password").text)})


def test_failures_at_both_sign_in_pages_count_for_one_account(attempts):
    for _ in range(ACCOUNT_LIMIT - 1):
        attempts.authorization("developer", "wrong")
    _refused(attempts.console("developer", "wrong"), "for this account", WINDOW)


def test_other_accounts_sign_in_while_one_is_locked(attempts, clock):
    for _ in range(ACCOUNT_LIMIT):
        attempts.console("developer", "wrong")
    assert attempts.console("viewer").status_code == 302
    assert attempts.console("admin").status_code == 302
    clock.advance(30)
    _refused(attempts.console("developer"), "for this account", WINDOW - 30)


def test_the_username_is_counted_however_it_is_typed_and_unknown_ones_too(attempts):
    for typed in ("Developer", " developer ", "DEVELOPER", "developer"):
        attempts.console(typed, "wrong")
    _refused(attempts.console("developer", "wrong"), "for this account", WINDOW)
    for _ in range(ACCOUNT_LIMIT - 1):
        assert attempts.console("no-such-person", "x").status_code == 401
    _refused(attempts.console("no-such-person", "x"), "for this account", WINDOW)


def test_one_address_is_locked_after_twenty_failures_over_many_accounts(attempts, clock):
    guesser, other = "203.0.113.7", "198.51.100.2"
    for n in range(ADDRESS_LIMIT - 1):
        assert attempts.console(f"user-{n}", "wrong", guesser).status_code == 401
    _refused(attempts.console("user-last", "wrong", guesser), "from your network address",
             WINDOW)
    # Even a right password is refused from there, but not from another address.
    _refused(attempts.console("admin", None, guesser), "from your network address", WINDOW)
    assert attempts.console("admin", None, other).status_code == 302
    clock.advance(WINDOW)
    assert attempts.console("viewer", None, guesser).status_code == 302


def test_a_successful_sign_in_does_not_reset_the_address(attempts):
    guesser = "203.0.113.9"
    for n in range(ADDRESS_LIMIT - 2):
        attempts.console(f"user-{n}", "wrong", guesser)
    assert attempts.console("viewer", None, guesser).status_code == 302
    attempts.console("user-a", "wrong", guesser)
    _refused(attempts.console("user-b", "wrong", guesser), "from your network address", WINDOW)


def test_the_window_forgets_old_failures(attempts, clock):
    for _ in range(ACCOUNT_LIMIT - 1):
        attempts.console("viewer", "wrong")
    clock.advance(WINDOW)
    for _ in range(ACCOUNT_LIMIT - 1):
        assert attempts.console("viewer", "wrong").status_code == 401


def test_a_wrong_current_password_counts_as_a_failed_sign_in(attempts, console, client):
    console.sign_in("developer")
    for _ in range(ACCOUNT_LIMIT - 1):
        answer = console.post("/console/profile/password", data={
            "current": "wrong", "new": "new-password-1", "confirm": "new-password-1"})
        assert answer.status_code == 400 and "current password is not correct" in answer.text
    answer = console.post("/console/profile/password", data={
        "current": "wrong", "new": "new-password-1", "confirm": "new-password-1"})
    _refused(answer, "for this account", WINDOW)
    client.post("/console/sign-out", data={"csrf_token": csrf_of(
        client.get("/console/profile/password").text)})
    _refused(attempts.console("developer"), "for this account", WINDOW)


def _basic(client_id: str, secret: str) -> dict:
    pair = base64.b64encode(f"{client_id}:{secret}".encode()).decode()
    return {"Authorization": f"Basic {pair}"}


def _client_token(client, app: dict, secret: str | None = None, basic=False,
                  address: str = "127.0.0.1"):
    secret = app["client_secret"] if secret is None else secret
    data = {"grant_type": "client_credentials"}
    env = {"REMOTE_ADDR": address}
    if basic:
        return client.post(TOKEN, data=data, headers=_basic(app["client_id"], secret),
                           environ_base=env)
    return client.post(TOKEN, data={**data, "client_id": app["client_id"],
                                    "client_secret": secret}, environ_base=env)


def test_wrong_client_secrets_lock_the_app_at_the_token_endpoint(client, deployer, lab,
                                                                 clock):
    for n in range(CLIENT_LIMIT - 1):
        assert _client_token(client, deployer, f"wrong-{n}", basic=n % 2 == 0).status_code \
            == 401
    locked = _client_token(client, deployer, "wrong")
    assert locked.status_code == 429 and locked.headers["Retry-After"] == str(WINDOW)
    assert locked.json == {"error": "invalid_client", "error_description":
                           "Too many failed authentications of this client from your network "
                           "address; try again in "
                           f"{WINDOW} seconds."}
    assert _client_token(client, deployer).status_code == 429  # the right secret waits too
    for endpoint in ("revoke", "introspect"):
        answer = client.post(f"/accounts/api/v2/oauth2/{endpoint}", data={"token": "x"},
                             headers=_basic(deployer["client_id"], deployer["client_secret"]))
        assert answer.status_code == 429, endpoint
    other = client.post("/accounts/api/v2/oauth2/introspect", data={"token": "x"},
                        headers=_basic(lab["client_id"], lab["client_secret"]))
    assert other.status_code == 200  # another app is not held up
    # nor the app itself elsewhere: its client id is public, so a stranger's wrong secrets
    # must not shut it out of its own token endpoint
    assert _client_token(client, deployer, address="10.0.0.7").status_code == 200
    clock.advance(WINDOW)
    assert _client_token(client, deployer).status_code == 200


def test_a_right_client_secret_resets_the_app_count(client, deployer):
    for _round in range(3):
        for _ in range(CLIENT_LIMIT - 1):
            assert _client_token(client, deployer, "wrong").status_code == 401
        assert _client_token(client, deployer).status_code == 200
