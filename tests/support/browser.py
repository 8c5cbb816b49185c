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


def sign_in_with_scopes(page, lab, role: str | None = None, scope: str | None = None) -> None:
    """Straight to the app's /login with ``scope``, then the sandbox's sign-in and consent
    pages, each only when the sandbox asks (it remembers the person and their consent); waits
    until the browser is back on the app's home page."""
    user = lab.sandbox.user(role or lab.role)
    scope = scope or lab.scope or ""
    # Every request rewrites the server-side session (last writer wins), so a request still in
    # flight (a favicon, a name check) could drop the sign-in's state: let them finish first.
    page.wait_for_load_state("networkidle")
    page.goto(f"{lab.url}/login?scope={scope.replace(' ', '+')}")
    password = page.locator("input[name=password]")
    allow = page.locator("button[name=decision][value=allow]")
    home = page.locator("#nav-deploy")
    for _step in range(3):
        password.or_(allow).or_(home).first.wait_for(state="attached")  # the nav may be folded
        if home.count():
            break
        if password.count():
            submit_sandbox_sign_in(page, user)
        else:
            allow.click()
    page.wait_for_url(lab.url + "/")


def open_sandbox_authorize(page, sandbox, scope: str, state: str) -> None:
    """Open the sandbox's authorize endpoint as its seeded "Connected App Lab" would send a
    person there, with ``sandbox.callback`` as the redirect URI (``scope`` URL-encoded)."""
    lab = sandbox.app_named("Connected App Lab")
    page.goto(f"{sandbox.issuer}/authorize?response_type=code&client_id={lab['client_id']}"
              f"&redirect_uri={sandbox.callback}&scope={scope}&state={state}")


def click_nav(page, selector: str) -> None:
    """Click an item of the app's navigation, opening the Menu first where the window is narrow
    enough to fold it (390 px phones), as a person would."""
    toggle = page.locator(".nav-toggle")
    if toggle.count() and toggle.first.is_visible() and not page.locator(selector).is_visible():
        toggle.first.click()
    page.click(selector)
