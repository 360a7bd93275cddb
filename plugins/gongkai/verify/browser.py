"""Browser-side checks driven through Playwright: axe-core, keyboard focus, requests, CSP.

axe-core comes from the ``axe-playwright-python`` wheel (pinned in
requirements.txt), never from a CDN.  The pages' CSP forbids inline scripts, so
axe is evaluated through the DevTools protocol (``page.evaluate``), which the
page's policy does not govern, instead of being added as a ``<script>``.
"""
from __future__ import annotations

import re
from functools import cache
from importlib import resources
from urllib.parse import urlsplit

AXE_TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa")
NOSCRIPT_TAG_RE = re.compile(r"<(/?)noscript\b", re.IGNORECASE)

# Everything a keyboard user can reach, in document order, if it is rendered; and from now on a log
# of each element that receives focus, taken at that moment: where it is and whether its focus
# indicator can be seen.  "On screen" means not moved off the page or clipped to a dot, which is
# how a hidden skip link or a visually-hidden control would fail.
FOCUSABLES_JS = """() => {
  const selector = 'a[href], area[href], button, input:not([type=hidden]), select, textarea, summary, ' +
                   'iframe, [contenteditable=""], [contenteditable=true], [tabindex]';
  const all = Array.from(document.querySelectorAll(selector)).filter(el => {
    if (el.disabled || el.tabIndex < 0 || el.closest('[inert]')) return false;
    if (el.tagName === 'SUMMARY' && el.parentElement.tagName !== 'DETAILS') return false;
    const style = getComputedStyle(el);
    return el.getClientRects().length > 0 && style.visibility !== 'hidden';
  });
  window.__focusables = all;
  window.__focusLog = [];
  if (!window.__focusLogging) {
    window.__focusLogging = true;
    document.addEventListener('focusin', event => {
      const el = event.target, style = getComputedStyle(el), rect = el.getBoundingClientRect();
      window.__focusLog.push({
        index: window.__focusables.indexOf(el),
        html: el.outerHTML.slice(0, 120),
        insideMain: !!el.closest('main'),
        outline: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2,
        shadow: style.boxShadow !== 'none',
        onScreen: rect.width > 1 && rect.height > 1 && rect.right + scrollX > 0 && rect.bottom + scrollY > 0,
      });
    }, true);
  }
  return all.map(el => ({tabindex: el.tabIndex, html: el.outerHTML.slice(0, 120)}));
}"""

# Collected from the first byte of every document; an init script is not subject to the page's CSP.
CSP_LISTENER_JS = """document.addEventListener('securitypolicyviolation', e => {
  (window.__cspViolations = window.__cspViolations || []).push(
    e.violatedDirective + ' blocked ' + (e.blockedURI || 'inline') + ' ' + (e.sample || ''));
});"""

# Markup in the live DOM that could run script or load from elsewhere.  Style attributes are
# left out: scripts may set them through the CSSOM, which the CSP allows.
DOM_AUDIT_JS = """() => {
  const found = [], urlAttrs = ['href', 'src', 'action', 'formaction', 'data', 'xlink:href', 'poster', 'background'];
  const scriptTypes = ['application/json', 'application/ld+json'];
  for (const el of document.querySelectorAll('*')) {
    const tag = el.tagName.toLowerCase();
    for (const attr of el.attributes) {
      const name = attr.name.toLowerCase();
      if (name.startsWith('on')) found.push(`<${tag} ${name}="${attr.value.slice(0, 60)}">`);
      if (name === 'srcdoc') found.push(`<${tag} srcdoc>`);
      if (urlAttrs.includes(name)) {
        let url = null;  // resolved as the browser resolves it: tabs and newlines dropped, entities decoded
        try { url = new URL(attr.value, location.href); } catch (e) { continue; }
        if (['javascript:', 'vbscript:'].includes(url.protocol) || /^data:text\\/html/i.test(url.href))
          found.push(`<${tag} ${name}="${attr.value.slice(0, 60)}">`);
      }
    }
    if (tag === 'script' && !el.src && !scriptTypes.includes(el.type)) found.push('inline <script>');
    if (['iframe', 'frame', 'object', 'embed', 'base', 'style'].includes(tag)) found.push(`<${tag}>`);
    if (tag === 'meta' && (el.httpEquiv || '').toLowerCase() === 'refresh') found.push('<meta http-equiv=refresh>');
    if ((tag === 'script' || tag === 'link') && (el.src || el.href) &&
        new URL(el.src || el.href, location.href).origin !== location.origin) found.push(`<${tag}> from elsewhere`);
  }
  if (window.__xss !== undefined) found.push('an injected script ran (window.__xss is set)');
  return found;
}"""


@cache
def axe_source() -> str:
    return resources.files("axe_playwright_python").joinpath("axe.min.js").read_text(encoding="utf-8")


def axe(page, rules: tuple[str, ...] = ()) -> list[dict]:
    """axe-core's violations on the page as it is now: WCAG 2.1 A/AA rules, or just *rules*."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(axe_source())
    run_only = {"type": "rule", "values": list(rules)} if rules else {"type": "tag", "values": list(AXE_TAGS)}
    return page.evaluate("options => axe.run(document, options).then(r => r.violations)",
                         {"runOnly": run_only, "resultTypes": ["violations"]})


def describe_violations(where: str, violations: list[dict]) -> list[str]:
    """One readable block per failing node: page, rule, what is wrong, which element."""
    out = []
    for violation in violations:
        for node in violation["nodes"]:
            summary = " ".join((node.get("failureSummary") or "").split())
            out.append(f"{where}: {violation['id']} ({violation.get('impact')}): {violation['help']}\n"
                       f"    at {' '.join(map(str, node['target']))}: {node['html'][:200]}\n"
                       f"    {summary[:300]}")
    return out


def open_without_scripts(page, url: str) -> None:
    """Show *url* in *page* as a browser with JavaScript off would, in a way axe can still run on.

    A context with JavaScript disabled stops timers, so ``axe.run`` never
    settles; instead every script of this load is served empty (the CSP already
    forbids inline scripts) and ``<noscript>`` is turned into a plain element,
    which is what a script-less browser renders.
    """

    def handle(route):
        request = route.request
        if request.resource_type == "script":
            route.fulfill(status=200, content_type="text/javascript", body="")
        elif request.resource_type == "document":
            response = route.fetch()
            route.fulfill(response=response, body=NOSCRIPT_TAG_RE.sub(r"<\1div", response.text()))
        else:
            route.fallback()  # to the context's own routes, if any

    page.route("**/*", handle)
    try:
        page.goto(url)
    finally:
        page.unroute("**/*", handle)


class ForeignRequests:
    """Records (and refuses, so no test touches the network) every request a context makes to
    anything but *origin*.  A load the page's CSP stops never becomes a request: it is reported
    as a CSP violation instead (see :class:`Watch`)."""

    def __init__(self, context, origin: str):
        self.origin = urlsplit(origin)[:2]
        self.seen: list[str] = []
        context.route("**/*", self._route)

    def _route(self, route):
        url = route.request.url
        if urlsplit(url)[:2] == self.origin:
            route.continue_()
        else:
            self.seen.append(url)
            route.abort()


class Watch:
    """Everything the pages of a context do that they should not: dialogs, uncaught errors,
    console errors and Content-Security-Policy violations, each with the page it came from."""

    def __init__(self, context):
        self.events: list[str] = []
        context.add_init_script(CSP_LISTENER_JS)
        context.on("page", self._attach)

    def _attach(self, page):
        page.on("dialog", lambda dialog: (self.events.append(f"{page.url}: dialog '{dialog.message}'"),
                                          dialog.dismiss()))
        page.on("pageerror", lambda error: self.events.append(f"{page.url}: uncaught error {error}"))
        page.on("console", lambda msg: self._console(page, msg))

    def _console(self, page, msg):
        # The browser asks every site for /favicon.ico by itself; the portal has none to give.
        if msg.type == "error" and not msg.location.get("url", "").endswith("/favicon.ico"):
            self.events.append(f"{page.url}: console error {msg.text}")

    def problems(self, page) -> list[str]:
        """What happened so far, plus the page's CSP violations and unsafe markup in its live DOM."""
        found = self.events + [f"{page.url}: CSP violation {v}"
                               for v in page.evaluate("() => window.__cspViolations || []")]
        found += [f"{page.url}: {item}" for item in page.evaluate(DOM_AUDIT_JS)]
        self.events = []
        return found


def _stops(log: list[dict]) -> tuple[list[dict], bool]:
    """Each control once (a date field takes a Tab per part), up to focus coming round again."""
    stops: list[dict] = []
    for entry in log:
        if stops and entry["index"] >= 0 and entry["index"] == stops[0]["index"]:
            return stops, True
        if not stops or entry["index"] != stops[-1]["index"] or entry["index"] < 0:
            stops.append(entry)
    return stops, False


def tab_through(page, limit: int = 400) -> list[dict]:
    """Press Tab from the top of the page until focus leaves it or comes round; each control focused.

    Focus is logged by the page as it moves, so Tab is pressed in runs rather than one round
    trip per key.
    """
    expected = len(page.evaluate(FOCUSABLES_JS))
    pressed, stops = 0, []
    while pressed < limit:
        for _ in range(min(max(1, expected + 1 - len(stops)), limit - pressed)):
            page.keyboard.press("Tab")
            pressed += 1
        stops, wrapped = _stops(page.evaluate("() => window.__focusLog"))
        if wrapped or page.evaluate("() => document.activeElement === document.body"):
            break
    return stops


def focusables(page) -> list[dict]:
    return page.evaluate(FOCUSABLES_JS)
