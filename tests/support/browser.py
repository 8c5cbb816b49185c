"""Steps a browser test takes through the sandbox's pages, with a Playwright ``page``.

``user`` is a seeded user as ``SandboxHandle.user(role)`` returns it (username, password).
"""


def fill_sandbox_sign_in(page, user: dict) -> None:
    """Type ``user``'s username and password into the sandbox's sign-in form."""
    page.fill("input[name=username]", user["username"])
    page.fill("input[name=password]", user["password"])


def submit_sandbox_sign_in(page, user: dict) -> None:
    """Fill in the sandbox's sign-in form as ``user`` and submit it."""
    fill_sandbox_sign_in(page, user)
    page.click("button[type=submit]")


def sign_in_through_sandbox(page, app_url: str, user: dict, decision: str = "allow") -> None:
    """From the app's home page: its "Sign in" button, the sandbox's sign-in form as ``user``,
    then ``decision`` ("allow" or "deny") on the sandbox's consent page. After "allow", waits
    until the browser is back on the app's home page."""
    page.goto(app_url + "/")
    page.click("#sign-in")
    submit_sandbox_sign_in(page, user)
    page.click(f"button[name=decision][value={decision}]")
    if decision == "allow":
        page.wait_for_url(app_url + "/")


def open_sandbox_authorize(page, sandbox, scope: str, state: str) -> None:
    """Open the sandbox's authorize endpoint as its seeded "Connected App Lab" would send a
    person there, with ``sandbox.callback`` as the redirect URI (``scope`` URL-encoded)."""
    lab = sandbox.app_named("Connected App Lab")
    page.goto(f"{sandbox.issuer}/authorize?response_type=code&client_id={lab['client_id']}"
              f"&redirect_uri={sandbox.callback}&scope={scope}&state={state}")
