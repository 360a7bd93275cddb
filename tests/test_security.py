"""Security: one header definition behind every page's CSP and the server files, no inline code,
no third-party request, and content, data, search queries and form input that cannot run script.

The XSS corpus is a selection from the OWASP XSS filter evasion cheat sheet; the
vectors set ``window.__xss`` (or open a dialog), so a vector that runs is seen
even when it shows nothing.
"""
from __future__ import annotations

import base64
import json
import re
import runpy
import shutil
from itertools import cycle
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import quote
from xml.etree import ElementTree as ET

import pytest
import yaml
from conftest import ROOT, build, copy_content, serve
from gongkai.headers import HeadersError, SecurityHeaders
from gongkai.verify.browser import DOM_AUDIT_JS, ForeignRequests, Watch
from gongkai.verify.markup import foreign_resources, inline_code, looser_than, parse_policy, stated_policy
from gongkai.verify.pages import site_pages
from gongkai.verify.served import parse_headers_file, serve_with_headers
from gongkai.yamlsource import split_front_matter
from lxml import html as lxml_html
from support_pages import component_states, visit

SETTINGS = runpy.run_path(str(ROOT / "pelicanconf.py"))
HEADERS = SecurityHeaders.from_settings(SETTINGS)
REQUIRED_HEADERS = ("Content-Security-Policy", "X-Content-Type-Options", "Referrer-Policy", "Permissions-Policy",
                    "X-Frame-Options")

_DATA_HTML = "data:text/html;base64," + base64.b64encode(b"<script>window.__xss=1</script>").decode()
VECTORS = (
    "<script>window.__xss=1</script>",
    '"><script>window.__xss=1</script>',
    "'><script>window.__xss=1</script>",
    "</title><script>window.__xss=1</script>",
    "</script><script>window.__xss=1</script>",
    "<IMG SRC=javascript:alert('XSS')>",
    '<IMG SRC="javascript:window.__xss=1">',
    "<IMG SRC=JaVaScRiPt:window.__xss=1>",
    '<IMG """><SCRIPT>window.__xss=1</SCRIPT>">',
    '<IMG SRC=/ onerror="window.__xss=1">',
    "<img src=x onerror=alert(1)>",
    "<IMG SRC=&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;&#97;&#108;&#101;&#114;&#116;&#40;&#49;&#41;>",
    "<IMG SRC=&#x6A&#x61&#x76&#x61&#x73&#x63&#x72&#x69&#x70&#x74&#x3A&#x61&#x6C&#x65&#x72&#x74&#x28&#x31&#x29>",
    '<a href="jav&#x09;ascript:window.__xss=1">link</a>',
    '<a href="jav\tascript:window.__xss=1">link</a>',
    '<a href=" &#14;  javascript:window.__xss=1">link</a>',
    "<svg/onload=alert(1)>",
    "<svg><script>window.__xss=1</script></svg>",
    "<BODY ONLOAD=window.__xss=1>",
    '<iframe src="javascript:window.__xss=1"></iframe>',
    '<iframe srcdoc="<script>parent.__xss=1</script>"></iframe>',
    "<STYLE>@import'http://xss.rocks/xss.css';</STYLE>",
    '<LINK REL="stylesheet" HREF="http://xss.rocks/xss.css">',
    '<META HTTP-EQUIV="refresh" CONTENT="0;url=javascript:window.__xss=1">',
    f'<object data="{_DATA_HTML}"></object>',
    f'<a href="{_DATA_HTML}">link</a>',
    '<DIV STYLE="background-image: url(javascript:window.__xss=1)">x</DIV>',
    "<details open ontoggle=window.__xss=1>",
    "<input autofocus onfocus=window.__xss=1>",
    "<math><mtext><table><mglyph><style><img src=x onerror=window.__xss=1>",
    '<noscript><p title="</noscript><img src=x onerror=window.__xss=1>">',
    '<BASE HREF="javascript:window.__xss=1//">',
    '<form action="javascript:window.__xss=1"><button>go</button></form>',
    "<scr<script>ipt>window.__xss=1</scr</script>ipt>",
    "';!--\"<XSS>=&{()}",
    "{{ 7*7 }} {% raw %} ${7*7}",
)
# Markdown's own ways to write a link or image.
MARKDOWN_VECTORS = (
    "[link](javascript:window.__xss=1)",
    "![image](javascript:window.__xss=1)",
    f"[link]({_DATA_HTML})",
    "<javascript:window.__xss=1>",
    '[link](" onmouseover="window.__xss=1)',
)
TOKEN = "zqxjxss"  # a word only the injected documents contain, to find them by search


def normalise(text: str) -> str:
    return " ".join(text.split())


# ---------------------------------------------------------------------------------------------
# One definition of the headers; every page states a strict policy and needs nothing inline.

def test_every_page_states_a_policy_no_looser_than_the_sites(site):
    site_policy = parse_policy(HEADERS.csp_meta)
    problems = []
    for page in site_pages(site):
        text, placement = stated_policy(page.html)
        problems += [f"{page.path}: {p}" for p in placement]
        if text is not None:
            problems += [f"{page.path}: {p}" for p in looser_than(parse_policy(text), site_policy)]
    assert not problems, "\n".join(problems)


def test_no_page_needs_unsafe_inline(site):
    problems = [f"{page.path}: {found}" for page in site_pages(site) for found in inline_code(page.html)]
    assert not problems, "\n".join(problems)


def test_no_page_loads_anything_from_another_site(site):
    """Every page of the output, content included (an imported image on the old CMS would be one)."""
    own = (SETTINGS["PORTAL"]["base_url"],)
    problems = [f"{page.path}: loads {url}" for page in site_pages(site) for url in foreign_resources(page.html, own)]
    assert not problems, "\n".join(problems)


def test_server_header_files_carry_the_setting(site):
    netlify = parse_headers_file((site / "_headers").read_text(encoding="utf-8"))
    nginx = dict(re.findall(r'^add_header ([\w-]+) "([^"]*)" always;$',
                            (site / "nginx-security-headers.conf").read_text(encoding="utf-8"), re.MULTILINE))
    assert list(netlify) == ["/*"]
    assert netlify["/*"] == nginx == dict(HEADERS.items())
    for name in REQUIRED_HEADERS:
        assert nginx.get(name), f"{name} is not set"
    policy = parse_policy(nginx["Content-Security-Policy"])
    assert policy["frame-ancestors"] == {"'none'"} and policy["object-src"] == {"'none'"}
    assert nginx["X-Content-Type-Options"] == "nosniff"
    meta = parse_policy(HEADERS.csp_meta)
    assert "frame-ancestors" not in meta, "browsers ignore frame-ancestors in <meta>; it belongs in the header only"
    assert meta == {d: s for d, s in policy.items() if d != "frame-ancestors"}


def test_headers_setting_reports_every_mistake():
    bad = {"SECURITY_HEADERS": {
        "Content-Security-Policy": {"default-src": "'self'", "script-src": "'self' 'unsafe-inline'",
                                    "Style_Src": "'self'"},
        "X Frame": "DENY",
        "Referrer-Policy": 'no-referrer"; add_header X "y',
        "Permissions-Policy": "",
    }}
    with pytest.raises(HeadersError) as caught:
        SecurityHeaders.from_settings(bad)
    message = str(caught.value)
    for part in ("'script-src' allows 'unsafe-inline'", "'Style_Src' is not a directive name",
                 "'X Frame' is not a header name", "'Referrer-Policy' contains '\"'",
                 "'Permissions-Policy' must be non-empty text"):
        assert part in message, message
    with pytest.raises(HeadersError, match="'Content-Security-Policy' must be a dict"):
        SecurityHeaders.from_settings({"SECURITY_HEADERS": {"X-Frame-Options": "DENY"}})


def test_changing_the_setting_changes_pages_and_server_files(tmp_path):
    changed = dict(SETTINGS["SECURITY_HEADERS"])
    changed["Content-Security-Policy"] = dict(changed["Content-Security-Policy"],
                                              **{"img-src": "'self' https://tiles.example.org"})
    changed["Referrer-Policy"] = "no-referrer"
    out = tmp_path / "out"
    result = build(ROOT / "content", out, extra={"SECURITY_HEADERS": json.dumps(changed)})
    assert result.returncode == 0, result.stdout + result.stderr
    page, _ = stated_policy((out / "news/index.html").read_text(encoding="utf-8"))
    assert "img-src 'self' https://tiles.example.org" in page
    assert '<meta name="referrer" content="no-referrer">' in (out / "index.html").read_text(encoding="utf-8")
    for name in ("_headers", "nginx-security-headers.conf"):
        text = (out / name).read_text(encoding="utf-8")
        assert "img-src 'self' https://tiles.example.org" in text and "no-referrer" in text, name



# ---------------------------------------------------------------------------------------------
# In Chromium, under the response headers a host would send.

@pytest.fixture(scope="module")
def headers_url(site):
    rules = parse_headers_file((site / "_headers").read_text(encoding="utf-8"))
    server = serve_with_headers(site, rules["/*"])
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def test_pages_break_no_policy_and_request_nothing_from_elsewhere(browser, site, headers_url):
    """Every component in both languages, with search results shown and a directory filter applied:
    each request goes to the portal's own server, and under the real headers no policy is violated,
    nothing logs an error and no unsafe markup appears."""
    context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai")
    foreign = ForeignRequests(context, headers_url)
    watch = Watch(context)
    states, missing = component_states(site)
    problems = list(missing)
    response = context.request.get(f"{headers_url}/index.html")
    problems += [f"the test server does not send {name}" for name in REQUIRED_HEADERS if name.lower()
                 not in response.headers]
    page = context.new_page()
    for page_type, path in states:
        visit(page, headers_url, page_type, path)
        problems += watch.problems(page)
    context.close()
    problems += [f"request to another site: {url}" for url in foreign.seen]
    assert not problems, "\n".join(problems)


# ---------------------------------------------------------------------------------------------
# XSS: the corpus in titles, bodies, front matter, directory data, search queries and the form.

def _front_matter(path: Path) -> tuple[dict, str]:
    yaml_text, _, body, _ = split_front_matter(path.read_text(encoding="utf-8"))
    return yaml.safe_load(yaml_text), body


def _write(path: Path, meta: dict, body: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("---\n" + yaml.safe_dump(meta, allow_unicode=True, sort_keys=False) + "---\n\n" + body,
                    encoding="utf-8")


def _inject(content: Path) -> tuple[dict[str, list[str]], str]:
    """Write documents and data carrying the corpus; {site path: texts that must show literally}
    and the image's alternative text."""
    nxt = cycle(VECTORS).__next__
    shows: dict[str, list[str]] = {}

    news = {"title": f"{nxt()} {TOKEN}", "slug": "xss-fields", "date": "2012-06-01 09:30", "source": nxt(),
            "authors": [nxt(), nxt()], "photographers": [nxt()], "region": nxt(), "tags": [nxt(), nxt()],
            "summary": nxt(),
            "images": [{"src": "images/news/yue-e-forum-1.png", "caption": nxt(), "alt": nxt()}]}
    _write(content / "news/xss-fields.md", news, "正文没有标记。\n")
    shows["news/xss-fields.html"] = [news["title"], news["source"], *news["authors"], *news["photographers"],
                                     news["region"], *news["tags"], news["images"][0]["caption"]]
    shows["news/index.html"] = [news["title"], news["summary"]]
    shows["index.html"] = [news["title"]]
    english = dict(news, title=f"{nxt()} {TOKEN}", lang="en", summary=nxt())
    _write(content / "news/xss-fields.en.md", english, "No markup in the body.\n")
    shows["en/news/xss-fields.html"] = [english["title"]]
    shows["en/news/index.html"] = [english["title"], english["summary"]]

    policy, body = _front_matter(content / "policy/taiping-2012-work-plan.md")
    for key in ("supersedes", "superseded_by"):
        policy.pop(key, None)
    policy.update(title=f"{nxt()} {TOKEN}", slug="xss-policy", issuer=[nxt()], doc_number=nxt(), summary=nxt(),
                  tags=[nxt()])
    _write(content / "policy/xss-policy.md", policy, body)
    shows["policy/xss-policy.html"] = [policy["title"], policy["issuer"][0], policy["doc_number"]]
    shows["policy/index.html"] = [policy["title"], policy["summary"]]

    agreement, body = _front_matter(content / "agreements/shuang-chengxin-shuang-chengnuo.md")
    field = agreement["fields"][0]
    field.update(label={"zh": nxt(), "en": nxt()}, default=nxt(), help={"zh": nxt(), "en": nxt()})
    agreement.update(title=f"{nxt()} {TOKEN}", slug="xss-agreement", summary=nxt(), party_a=nxt())
    _write(content / "agreements/xss-agreement.md", agreement, body)
    shows["agreements/xss-agreement.html"] = [agreement["title"], field["label"]["zh"], field["help"]["zh"]]
    shows["agreements/index.html"] = [agreement["title"]]

    point = {"id": "xss-point", "name": {"zh": nxt(), "en": nxt()}, "kind": "service_station",
             "district": {"zh": nxt(), "en": nxt()}, "address": {"zh": nxt(), "en": nxt()},
             "phone": "0595-85612345", "hours": "Mo-Fr 08:30-12:00", "services": ["consultation"],
             "geo": {"lat": 24.8, "lon": 118.5}, "updated": "2024-03-01", "sample": True}
    region = {"region": {"id": "xss-region", "name": {"zh": nxt(), "en": nxt()}}, "points": [point]}
    (content / "directory/zz-xss.yaml").write_text(yaml.safe_dump(region, allow_unicode=True), encoding="utf-8")
    shows["directory/xss-point.html"] = [point["name"]["zh"], point["address"]["zh"], point["district"]["zh"]]
    shows["en/directory/xss-point.html"] = [point["name"]["en"], point["address"]["en"]]
    shows["directory/index.html"] = [point["name"]["zh"], point["address"]["zh"], region["region"]["name"]["zh"]]
    return shows, news["images"][0]["alt"]


BODY_HEADER = {"title": "XSS body", "slug": "xss-body", "date": "2012-06-02"}


def _body_lines(content: Path) -> dict[int, str]:
    """Write the body corpus, one vector a paragraph; {line number in the file: vector}."""
    head = "---\n" + yaml.safe_dump(BODY_HEADER, sort_keys=False) + "---\n\n"
    first = head.count("\n") + 1
    vectors = VECTORS + MARKDOWN_VECTORS
    _write(content / "news/xss-body.md", BODY_HEADER, "\n\n".join(v.replace("\n", " ") for v in vectors) + "\n")
    return {first + 2 * i: v for i, v in enumerate(vectors)}


@pytest.fixture(scope="module")
def xss(tmp_path_factory):
    """The sample site plus the corpus: built once with every body vector (to learn which the
    reader rejects, and how), then without the rejected ones, and served."""
    root = tmp_path_factory.mktemp("xss")
    content = copy_content(root)
    shows, alt = _inject(content)
    lines = _body_lines(content)
    first = build(content, root / "first")
    reported = dict(re.findall(r"xss-body\.md:(\d+): body: (.*)", first.stdout + first.stderr))
    rejected = {lines[int(n)]: message for n, message in reported.items() if int(n) in lines}
    accepted = [v for v in lines.values() if v not in rejected]
    _write(content / "news/xss-body.md", BODY_HEADER, "\n\n".join(accepted) + "\n")
    out = root / "output"
    result = build(content, out)
    assert result.returncode == 0, "the corpus outside bodies must build:\n" + result.stdout + result.stderr
    server = serve(out)
    yield SimpleNamespace(first=first, reported=reported, lines=lines, rejected=rejected, accepted=accepted,
                          shows=shows, alt=alt, out=out, url=f"http://127.0.0.1:{server.server_address[1]}")
    server.shutdown()
    shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def watched(browser):
    context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai")
    yield context, Watch(context)
    context.close()


def test_body_vectors_are_rejected_with_their_line_or_rendered_inert(xss, watched):
    assert xss.first.returncode != 0, "a body with <script> built without an error"
    stray = set(map(int, xss.reported)) - set(xss.lines)
    assert not stray, f"problems reported on lines holding no vector: {sorted(stray)}"
    for vector, message in xss.rejected.items():
        assert "can run script" in message, (vector, message)
    for must_reject in ("<script>window.__xss=1</script>", "<img src=x onerror=alert(1)>",
                        "[link](javascript:window.__xss=1)", '<iframe src="javascript:window.__xss=1"></iframe>'):
        assert must_reject in xss.rejected, f"the reader accepted {must_reject!r}"
    context, watch = watched
    page = context.new_page()
    page.goto(f"{xss.url}/news/xss-body.html")
    page.locator("main").hover()
    assert not watch.problems(page), f"accepted body vectors {xss.accepted} are not inert"
    body_html = (xss.out / "news/xss-body.html").read_text(encoding="utf-8")
    assert not inline_code(body_html)


def test_front_matter_and_data_vectors_show_literally_and_stay_inert(xss, watched):
    context, watch = watched
    problems = []
    page = context.new_page()
    for path, texts in sorted(xss.shows.items()):
        page.goto(f"{xss.url}/{path}")
        shown = normalise(page.inner_text("body") + " " + page.title())
        problems += [f"{path}: not shown literally: {text!r}" for text in texts if normalise(text) not in shown]
        problems += watch.problems(page)
    page.goto(f"{xss.url}/news/xss-fields.html")
    if page.locator("img").evaluate_all("(imgs, alt) => imgs.some(i => i.alt === alt)", xss.alt) is not True:
        problems.append(f"news/xss-fields.html: no image has the alternative text {xss.alt!r}")
    assert not problems, "\n".join(problems)


def test_search_queries_and_results_stay_inert(xss, watched):
    context, watch = watched
    problems = []
    page = context.new_page()
    for vector in VECTORS[::3]:
        page.goto(f"{xss.url}/search.html?q={quote(vector)}")
        page.wait_for_load_state("networkidle")
        value = page.locator("main input[name=q]").input_value()
        if value not in (vector, vector[:100]):  # the field's maxlength may cut a long query
            problems.append(f"search box shows {value!r} for the query {vector!r}")
        problems += watch.problems(page)
    page.goto(f"{xss.url}/index.html")
    page.fill("header input[name=q]", VECTORS[10])
    page.keyboard.press("Enter")
    page.wait_for_url("**/search.html?**")
    page.wait_for_load_state("networkidle")
    problems += watch.problems(page)
    page.goto(f"{xss.url}/search.html?q={TOKEN}")
    page.wait_for_function("t => document.querySelector('main').innerText.includes(t)", arg=TOKEN, timeout=10_000)
    results = normalise(page.inner_text("main"))
    titles = [xss.shows[p][0] for p in ("news/xss-fields.html", "policy/xss-policy.html")]
    problems += [f"search results do not show the title {t!r} literally" for t in titles if normalise(t) not in results]
    problems += watch.problems(page)
    assert not problems, "\n".join(problems)


def test_agreement_form_input_stays_inert_and_shows_literally(xss, watched):
    context, watch = watched
    page = context.new_page()
    page.goto(f"{xss.url}/agreements/xss-agreement.html")
    fields = page.locator("main form input[type=text], main form input:not([type]), main form textarea")
    assert fields.count(), "the agreement page has no text field to fill in"
    typed = []
    for i, vector in zip(range(fields.count()), cycle(VECTORS)):
        fields.nth(i).fill(vector)
        typed.append(vector)
    page.locator("main").click(position={"x": 1, "y": 1})
    shown = normalise(page.inner_text("main"))
    problems = [f"typed {v!r} is not shown literally in the filled-in text" for v in typed if normalise(v) not in shown]
    problems += watch.problems(page)
    assert not problems, "\n".join(problems)


def test_feeds_and_sitemap_stay_well_formed_and_their_html_inert(xss):
    """Feed readers render type="html" text as HTML: it must be as inert as the pages; titles are
    text and read as given."""
    problems = []
    titles = set()
    for file in sorted(xss.out.rglob("*.xml")):
        tree = ET.parse(file)
        titles |= {normalise(e.text or "") for e in tree.iter() if e.tag.endswith("}title")}
        for element in tree.iter():
            if element.get("type") == "html" and element.text and element.text.strip():
                fragment = lxml_html.fragment_fromstring(element.text, create_parent="div")
                problems += [f"{file.relative_to(xss.out)}: <{element.tag.split('}')[-1]}>: {found}"
                             for found in inline_code(lxml_html.tostring(fragment, encoding="unicode"))]
                problems += [f"{file.relative_to(xss.out)}: <{element.tag.split('}')[-1]}>: <{node.tag}>"
                             for node in fragment.iter() if node.tag in ("script", "iframe", "object", "embed")]
    for page in ("news/xss-fields.html", "en/news/xss-fields.html", "policy/xss-policy.html"):
        if normalise(xss.shows[page][0]) not in titles:
            problems.append(f"no feed entry is titled {xss.shows[page][0]!r}")
    assert not problems, "\n".join(problems)


def test_dom_audit_sees_an_injected_handler(browser, xss):
    """The inertness checks above can fail: markup that would run is found in the live DOM."""
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{xss.url}/404.html")
    page.evaluate("() => { const i = document.createElement('img'); i.setAttribute('onerror', 'x'); "
                  "document.body.append(i); window.__xss = 1; }")
    found = page.evaluate(DOM_AUDIT_JS)
    context.close()
    assert any("onerror" in f for f in found) and any("__xss" in f for f in found), found
