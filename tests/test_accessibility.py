"""Accessibility in real Chromium (WCAG 2.1 AA, GB/T 37668-2019, and the 适老化 rules for elderly users).

axe-core on every page type in both languages, keyboard use, the text-size and
high-contrast switch, and line length and spacing suited to Chinese text.
Pages are found in the built output (support_pages), so a page type delivered
later is checked without a change here.
"""
from __future__ import annotations

import pytest
from gongkai.schema import LANGS
from gongkai.verify.browser import axe, describe_violations, focusables, tab_through
from playwright.sync_api import Error as PlaywrightError
from support_pages import PAGE_TYPE_PARAMS, component_pages, component_states, other_pages, visit

# 适老化: at most about 40 Chinese characters a line (a CJK character is 1em wide) and 1.5 line spacing.
MAX_LINE_EM = 40.5
MIN_LINE_HEIGHT = 1.5
BODY_TEXT_MIN_CHARS = 40  # a paragraph this long is running text, not a label

# Running text in <main>: its measured width in em and its line height as a multiple of its font size.
READING_JS = """() => Array.from(document.querySelectorAll('main p, main li, main dd, main td, main blockquote'))
  .filter(el => el.getClientRects().length > 0 && el.textContent.trim().length > 0)
  .map(el => {
    const style = getComputedStyle(el), size = parseFloat(style.fontSize);
    return {html: el.outerHTML.slice(0, 100), tag: el.tagName, chars: el.textContent.trim().length,
            em: el.getBoundingClientRect().width / size,
            spacing: style.lineHeight === 'normal' ? 1.2 : parseFloat(style.lineHeight) / size};
  })"""

# The innermost elements (outside tables and <pre>) that stick out past the right edge of the screen.
REFLOW_JS = """() => Array.from(document.querySelectorAll('body *'))
  .filter(el => !el.closest('table, pre') && el.getBoundingClientRect().right > innerWidth + 1
                && getComputedStyle(el).position !== 'absolute')
  .filter((el, _, all) => !all.some(other => other !== el && el.contains(other)))
  .slice(0, 3).map(el => el.outerHTML.slice(0, 100))"""


@pytest.mark.parametrize("page_type,lang", PAGE_TYPE_PARAMS)
def test_axe_finds_no_wcag_violation_on_page_type(page, site, base_url, page_type, lang):
    problems = []
    for path in page_type.paths(site, lang):
        visit(page, base_url, page_type, path)
        problems += describe_violations(path, axe(page))
    assert not problems, f"{len(problems)} axe-core violation(s):\n" + "\n".join(problems)


def test_axe_finds_no_wcag_violation_on_other_pages(page, site, base_url):
    """Filter pages, static pages and whatever else the build writes, both languages."""
    paths = other_pages(site)
    assert paths, "no page besides the named page types was found: the page discovery is broken"
    problems = []
    for path in paths:
        visit(page, base_url, None, path)
        problems += describe_violations(path, axe(page))
    assert not problems, f"{len(problems)} axe-core violation(s):\n" + "\n".join(problems)


@pytest.mark.parametrize("lang", LANGS)
def test_home_skip_link_comes_first_and_moves_focus_to_main(page, base_url, lang):
    page.goto(f"{base_url}/{'' if lang == 'zh' else 'en/'}index.html")
    order = tab_through(page, limit=1)
    assert order and "skip-link" in order[0]["html"], f"first Tab stop is not the skip link: {order}"
    assert order[0]["onScreen"] and (order[0]["outline"] or order[0]["shadow"]), \
        f"the focused skip link is not visible: {order[0]}"
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main"
    assert page.evaluate("document.activeElement.id") == "main", "the skip link does not move focus to <main>"
    page.keyboard.press("Tab")
    assert page.evaluate("!!document.activeElement.closest('main')"), \
        "after the skip link, Tab does not go to the first control of the main content"


def _keyboard_problems(page, path: str) -> list[str]:
    """Every control reached by Tab, in document order, each with a visible focus indicator."""
    expected = focusables(page)
    positive = [f["html"] for f in expected if f["tabindex"] > 0]
    order = tab_through(page)
    problems = [f"{path}: tabindex > 0 breaks the reading order: {html}" for html in positive]
    reached = [stop["index"] for stop in order]
    if reached != list(range(len(expected))):
        missed = [expected[i]["html"] for i in range(len(expected)) if i not in reached]
        problems.append(f"{path}: Tab order is not the document order of the {len(expected)} controls; "
                        f"reached {reached[:60]}; never reached: {missed[:5]}")
    problems += [f"{path}: focus is not visible on {stop['html']}" for stop in order
                 if not (stop["outline"] or stop["shadow"]) or not stop["onScreen"]]
    return problems


def test_every_control_is_reached_by_keyboard_in_order_with_visible_focus(page, site, base_url):
    """Every component, on Chinese pages: the English ones are the same templates.  One page is
    reused from address to address throughout (a new page per address is slow)."""
    states, missing = component_states(site, langs=("zh",))
    problems = list(missing)
    for page_type, path in states:
        try:
            visit(page, base_url, page_type, path)
            problems += _keyboard_problems(page, path)
        except (AssertionError, PlaywrightError) as exc:
            problems.append(f"{path}: {exc}")
    assert not problems, "\n".join(problems)


def test_text_size_and_contrast_switch_work_by_keyboard_and_persist(page, site, base_url):
    page.goto(f"{base_url}/index.html")
    font_size = "() => parseFloat(getComputedStyle(document.documentElement).fontSize)"
    normal = page.evaluate(font_size)
    for pref in ("large", "contrast"):
        button = page.locator(f"[data-prefs] button[data-pref={pref}]")
        assert button.is_visible(), f"the '{pref}' switch is not shown"
        assert button.get_attribute("aria-pressed") == "false"
        button.focus()
        page.keyboard.press("Space")
        assert button.get_attribute("aria-pressed") == "true"
    assert page.evaluate(font_size) >= normal * 1.2, "larger text does not enlarge the text"
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(0, 0, 0)"
    for path in component_pages(site):
        page.goto(f"{base_url}/{path}")
        assert page.evaluate(font_size) >= normal * 1.2, f"{path}: larger text was not kept"
        assert page.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(0, 0, 0)", \
            f"{path}: high contrast was not kept"
        pressed = page.locator("[data-prefs] button[aria-pressed=true]").count()
        assert pressed == 2, f"{path}: the switches do not show that they are on"
    page.locator("[data-prefs] button[data-pref=large]").click()
    page.reload()
    assert page.evaluate(font_size) == normal, "turning larger text off was not kept"


def test_high_contrast_mode_passes_axe_colour_contrast(page, site, base_url):
    """Chinese pages: colours do not depend on the language."""
    page.goto(f"{base_url}/index.html")
    page.locator("[data-prefs] button[data-pref=contrast]").click()
    states, missing = component_states(site, langs=("zh",))
    problems = list(missing)
    for page_type, path in states:
        visit(page, base_url, page_type, path)
        assert "pref-contrast" in page.evaluate("document.documentElement.className"), path
        problems += describe_violations(f"{path} (high contrast)",
                                        axe(page, rules=("color-contrast", "link-in-text-block")))
    assert not problems, "\n".join(problems)


def test_running_text_has_short_lines_and_generous_spacing(page, site, base_url):
    """≤ ~40 Chinese characters per line (width in em) and line height ≥ 1.5, on every Chinese page."""
    problems = []
    for path in component_pages(site, langs=("zh",)):
        page.goto(f"{base_url}/{path}")
        for block in page.evaluate(READING_JS):
            if block["tag"] == "P" and block["chars"] >= BODY_TEXT_MIN_CHARS and block["em"] > MAX_LINE_EM:
                problems.append(f"{path}: line {block['em']:.1f}em wide (max {MAX_LINE_EM}): {block['html']}")
            if block["spacing"] < MIN_LINE_HEIGHT:
                problems.append(f"{path}: line height {block['spacing']:.2f} (min {MIN_LINE_HEIGHT}): {block['html']}")
    assert not problems, "\n".join(problems)


def test_pages_reflow_on_a_320_pixel_screen(browser, site, base_url):
    """WCAG 1.4.10: nothing but a data table or preformatted text is wider than a 320-pixel screen."""
    ctx = browser.new_context(viewport={"width": 320, "height": 640}, locale="zh-CN")
    page = ctx.new_page()
    problems = []
    for path in component_pages(site):
        page.goto(f"{base_url}/{path}")
        wide = page.evaluate(REFLOW_JS)
        if wide:
            problems.append(f"{path}: wider than the screen: {wide}")
    ctx.close()
    assert not problems, "\n".join(problems)
