"""The accessibility check every browser test may run on the page it shows: axe-core (bundled by
axe-playwright-python) at each width, no horizontal overflow of the page, and a screenshot.

    tour = AxeTour(page, screenshots)
    tour.check("home-signed-out")      # runs at 1280 px and 390 px, saves a11y-<name>-<width>.png
    tour.assert_clean()                # every problem of every page, in one message

Only serious and critical violations count (axe's impact levels); moderate and minor ones are
listed in the message only when something else fails. The script is evaluated through DevTools,
so the pages' CSP (no inline or injected scripts) does not stop it.
"""

from __future__ import annotations

import pathlib
from dataclasses import dataclass, field

from axe_playwright_python.base import AXE_SCRIPT

WIDTHS = (1280, 390)
HEIGHT = 900
COUNTED = {"serious", "critical"}
# WCAG 2.2 A and AA plus axe's best practices (landmarks, one h1, skip link target...).
RUN_OPTIONS = {"runOnly": {"type": "tag", "values": [
    "wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]},
    "resultTypes": ["violations"]}
OVERFLOW = "document.documentElement.scrollWidth - window.innerWidth"
# The innermost elements that stick out past the right edge of the page or of the box that
# scrolls them: what to fix when a page scrolls sideways.
STICKING_OUT = """() => {
  const clip = el => { for (let up = el.parentElement; up; up = up.parentElement) {
      const x = getComputedStyle(up).overflowX;
      if (x !== 'visible' && up.scrollWidth > up.clientWidth)
        return up.getBoundingClientRect().right;
    } return window.innerWidth; };
  const out = [...document.body.querySelectorAll('*')].filter(el =>
    el.getBoundingClientRect().right > clip(el) + 1 && el.getClientRects().length);
  const name = el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
    (el.classList.length ? '.' + [...el.classList].join('.') : '');
  return out.filter(el => !out.some(other => other !== el && el.contains(other)))
    .slice(0, 5).map(el => name(el) + ' in ' + name(el.parentElement));
}"""


# What axe does not check: a "Skip to content" link is the first thing the keyboard reaches and
# leads to an element of the page; a favicon; no link in the browser's default blue or purple.
BASICS = """() => {
  const problems = [];
  const first = document.body.querySelector(
    'a[href], button, input:not([type=hidden]), select, textarea, summary, [tabindex="0"]');
  const skip = first && first.matches('a[href^="#"]') && /skip to content/i.test(first.textContent)
    ? first : null;
  if (!skip) problems.push('the first thing to focus is not a "Skip to content" link');
  else if (!document.getElementById(skip.getAttribute('href').slice(1)))
    problems.push('the skip link leads nowhere');
  if (!document.querySelector('link[rel~=icon]')) problems.push('no favicon');
  const defaults = ['rgb(0, 0, 238)', 'rgb(85, 26, 139)'];
  const plain = [...document.querySelectorAll('a[href]')].find(
    a => defaults.includes(getComputedStyle(a).color));
  if (plain) problems.push("a link in the browser's default colour: " + plain.textContent.trim());
  return problems;
}"""
# After one Tab: the focused element is on screen and outlined.
FOCUS_SHOWN = """() => {
  const el = document.activeElement, style = getComputedStyle(el), box = el.getBoundingClientRect();
  return el !== document.body && box.top >= 0 && box.bottom > 0 && style.outlineStyle !== 'none'
    && parseFloat(style.outlineWidth) >= 2;
}"""

def axe_violations(page) -> list[dict]:
    """axe-core's violations on the page as it is now (injected once per document)."""
    if not page.evaluate("typeof window.axe === 'object'"):
        page.evaluate(AXE_SCRIPT)
    return page.evaluate("options => axe.run(document, options)", RUN_OPTIONS)["violations"]


def describe(violation: dict) -> str:
    """One line per violation: its rule, impact, help text and the first few elements."""
    targets = ", ".join(" ".join(node["target"]) for node in violation["nodes"][:4])
    return f"{violation['id']} ({violation['impact']}): {violation['help']} — {targets}"


@dataclass
class AxeTour:
    """Checks pages one after another and keeps every problem found, per page and width."""

    page: object
    screenshots: pathlib.Path
    widths: tuple[int, ...] = WIDTHS
    problems: list[str] = field(default_factory=list)
    checked: list[str] = field(default_factory=list)

    def check(self, name: str) -> None:
        """Check the page at each width (then back at the first), keeping what fails; save a
        full-page screenshot ``a11y-<name>-<width>.png`` of each."""
        for width in self.widths:
            self.page.set_viewport_size({"width": width, "height": HEIGHT})
            self.page.wait_for_load_state("load")
            where = f"{name} at {width} px ({self.page.url})"
            overflow = self.page.evaluate(OVERFLOW)
            if overflow > 0:
                wide = ", ".join(self.page.evaluate(STICKING_OUT))
                self.problems.append(f"{where}: the page scrolls sideways by {overflow} px "
                                     f"({wide})")
            for violation in axe_violations(self.page):
                if violation["impact"] in COUNTED:
                    extra = ""
                    if violation["id"] == "scrollable-region-focusable":
                        extra = " (" + ", ".join(self.page.evaluate(STICKING_OUT)) + ")"
                    self.problems.append(f"{where}: {describe(violation)}{extra}")
            self.page.screenshot(path=str(self.screenshots / f"a11y-{name}-{width}.png"),
                                 full_page=True)
            self.checked.append(f"{name}@{width}")
        self.page.set_viewport_size({"width": self.widths[0], "height": HEIGHT})
        self.check_keyboard(name)

    def check_keyboard(self, name: str) -> None:
        """The skip link, the favicon, the links' colour; one Tab shows where the focus is."""
        where = f"{name} ({self.page.url})"
        self.problems.extend(f"{where}: {problem}" for problem in self.page.evaluate(BASICS))
        self.page.evaluate("document.activeElement && document.activeElement.blur()")
        self.page.keyboard.press("Tab")
        if not self.page.evaluate(FOCUS_SHOWN):
            self.problems.append(f"{where}: the first Tab shows no focus outline on screen")
        self.page.evaluate("document.activeElement.blur()")

    def assert_clean(self) -> None:
        """Fail with every problem of the tour, if there was any."""
        assert not self.problems, "\n".join(self.problems)


def assert_accessible(page, screenshots: pathlib.Path, name: str) -> None:
    """Check one page at both widths and fail at once if anything is wrong (for other tests)."""
    tour = AxeTour(page, screenshots)
    tour.check(name)
    tour.assert_clean()
