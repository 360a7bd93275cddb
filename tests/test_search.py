"""Search: the analysis rules, the index, the browser client (against the sample portal) and the CLI."""
from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
import sys
import urllib.parse

import pytest
from conftest import ROOT, serve

from gongkai.search import analysis
from gongkai.search.analysis import analyse_query, index_tokens, normalize
from gongkai.search.collect import SearchDoc
from gongkai.search.export import export, fnv1a
from gongkai.search.index import SearchIndex, analyse, search_whoosh
from whoosh.lang.porter import stem

LIANGFENG = "policy/liangfeng-population-work-opinions-2011.html"


def found(text: str, query: str) -> bool:
    """Does the one-chunk *query* occur in *text* as a phrase (consecutive slots), as the index sees it?"""
    terms, slots = index_tokens(normalize(text))
    wanted = analyse_query(query)[0].tokens
    at = {}
    for term, slot in zip(terms, slots):
        at.setdefault(term, set()).add(slot)
    return any(all(start + i in at.get(t, ()) for i, t in enumerate(wanted)) for start in at.get(wanted[0], ()))


# ---- analysis -------------------------------------------------------------------------------

@pytest.mark.parametrize("text, query", [
    ("进一步做好人口计生工作", "人口计"),
    ("落实社会抚养费征收管理", "抚养费"),
    ("根据凉委发〔2011〕38号文件精神", "凉委发[2011]38号"),
    ("根据凉委发〔2011〕38号文件精神", "凉委发【2011】38号"),
    ("根据凉委发〔2011〕38号文件精神", "凉委发﹝2011﹞38号"),
    ("根据凉委发〔2011〕38号文件精神", "38号"),
    ("根据凉委发〔2011〕38号文件精神", "发〔2011"),
    ("全面实施计划生育基本国策", "計劃生育"),
    ("ＷＨＯ和联合国人口基金", "who"),
])
def test_substrings_and_variants_are_found_as_phrases(text, query):
    assert found(text, query)


def test_a_phrase_is_not_found_across_punctuation_or_out_of_order():
    assert not found("人口，计生", "人口计生")
    assert not found("计生人口", "人口计生")


def test_normalisation_unifies_widths_brackets_and_scripts():
    assert normalize("ＡＢＣ１２３\u3000服务") == "abc123 服务"
    variants = ["凉委发[2011]38号", "凉委发【2011】38号", "凉委发﹝2011﹞38号", "凉委发„2011‟38号", "凉委发〔2011〕38号"]
    assert {normalize(v) for v in variants} == {"凉委发〔2011〕38号"}
    assert analyse_query("計劃生育")[0].tokens == analyse_query("计划生育")[0].tokens


def test_english_inflections_share_a_stem():
    for a, b in [("services", "service"), ("planning", "planned"), ("registrations", "registration")]:
        assert analyse_query(a)[0].tokens == analyse_query(b)[0].tokens
    assert analyse_query("the of")[0].problem == "common"


def test_queries_without_searchable_text_say_why():
    assert [c.problem for c in analyse_query("的 🙂 ，。！ the")] == ["short", "symbols", "symbols", "common"]


# ---- the index --------------------------------------------------------------------------------

def doc(url, title, body, type_="news", date=dt.date(2012, 3, 1)):
    return SearchDoc(url=url, type=type_, title=title, date=date, region="",
                     fields=(("title", title), ("body", body)), meta="", excerpt=body[:100])


EXACT = doc("news/exact.html", "工作简报", "全县人口计生工作会议召开。")
SCATTERED = doc("news/scattered.html", "人口 人口 人口", "口计 口计 口计 口计，人口普查。")
OTHER = doc("news/other.html", "流动人口服务", "为流动人口提供免费服务。")


def counting():
    calls = []

    def analyser(fields):
        calls.append(fields)
        return analyse(fields)
    return analyser, calls


def test_a_rebuild_analyses_only_the_edited_document(tmp_path):
    analyser, calls = counting()
    SearchIndex("zh", str(tmp_path), analyser).build([EXACT, SCATTERED, OTHER])
    assert len(calls) == 3
    edited = doc(OTHER.url, OTHER.title, "为流动人口提供婚育证明办理服务。")
    analyser, calls = counting()
    index = SearchIndex("zh", str(tmp_path), analyser)
    index.build([EXACT, SCATTERED, edited])
    assert len(calls) == 1 and calls[0] == edited.fields
    assert index.stats["reused"] == 2 and index.stats["whoosh_written"] == 1
    assert [h.url for h in search_whoosh(str(tmp_path), "zh", "婚育证明")[1]] == [OTHER.url]
    assert search_whoosh(str(tmp_path), "zh", "免费")[0] == 0


def test_whoosh_phrase_queries_match_the_exact_string(tmp_path):
    SearchIndex("zh", str(tmp_path)).build([EXACT, SCATTERED, OTHER])
    assert [h.url for h in search_whoosh(str(tmp_path), "zh", "人口计")[1]] == [EXACT.url]
    assert {h.url for h in search_whoosh(str(tmp_path), "zh", "人口 口计")[1]} == {EXACT.url, SCATTERED.url}


@pytest.fixture
def mini(tmp_path, browser):
    """A page with search.js over a static index of three documents (no site build)."""
    index = SearchIndex("zh", str(tmp_path / "cache"))
    index.build([EXACT, SCATTERED, OTHER])
    export(index, str(tmp_path / "www" / "search"))
    shutil.copy(ROOT / "theme" / "static" / "js" / "search.js", tmp_path / "www" / "search.js")
    (tmp_path / "www" / "index.html").write_text(
        '<!DOCTYPE html><meta charset="utf-8"><script src="search.js"></script>', encoding="utf-8")
    server = serve(tmp_path / "www")
    page = browser.new_page()
    page.goto(f"http://127.0.0.1:{server.server_address[1]}/index.html")
    yield page, index
    page.close()
    server.shutdown()


def test_documents_with_the_exact_string_rank_first(mini):
    page, index = mini
    ranked = page.evaluate("""q => GongkaiSearch.search(new GongkaiSearch.Index("search/"), {q: q})
                              .then(r => r.results)""", "人口计")
    urls = [index.docs[r["id"]].url for r in ranked]
    assert urls == [EXACT.url, SCATTERED.url]
    assert [r["exact"] for r in ranked] == [True, False]


def test_browser_analysis_matches_the_build(mini):
    page, _ = mini
    words = ["services", "planning", "caresses", "ponies", "agreed", "hopping", "relational", "generalization",
             "yearly", "you", "sky", "fundamentally", "triplicate", "hopeful", "effective", "adjustment",
             "controlling", "rolled", "probate", "bowdlerize", "electricity", "sensibility", "feed", "allowance"]
    assert page.evaluate("ws => ws.map(GongkaiSearch.stem)", words) == [stem(w) for w in words]
    queries = ["計劃生育 ＡＢＣ", "凉委发【2011】38号", "38号 发〔2011 2011年3", "Services of the 🙂 <script>",
               "社会抚养费", "的", "a.*+?( ) [x]", "„2011‟"]
    table = {k: v for k, v in analysis.t2s_table().items() if k in "".join(queries)}
    stop = sorted(analysis.STOP)
    got = page.evaluate("""([qs, t2s, stop]) => qs.map(q => GongkaiSearch.analyseQuery(q, t2s, new Set(stop))
                           .map(c => [c.text, c.tokens, c.word, c.problem]))""", [queries, table, stop])
    assert got == [[[c.text, list(c.tokens), c.word, c.problem] for c in analyse_query(q)] for q in queries]
    terms = ["人口", "<号", "servic", "=计划生育"]
    assert page.evaluate("ts => ts.map(GongkaiSearch.fnv1a)", terms) == [fnv1a(t.encode()) for t in terms]


# ---- the sample portal in Chromium -------------------------------------------------------------

def search(page, base_url, query, lang="zh", **params):
    prefix = "" if lang == "zh" else f"{lang}/"
    qs = urllib.parse.urlencode({"q": query, **params})
    page.goto(f"{base_url}/{prefix}search.html?{qs}")
    return wait(page)


def wait(page):
    page.locator("[data-search-status][aria-busy=false]").wait_for()
    return page.locator("[data-search-status]").inner_text()


def result_links(page):
    return [a.get_attribute("href") for a in page.locator(".search-result h2 a").all()]


def test_chinese_queries_find_sub_words_variants_and_traditional(page, base_url):
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    status = search(page, base_url, "抚养费")
    assert any(link.endswith(LIANGFENG) for link in result_links(page)), status
    assert "抚养费" in page.locator(".search-result mark").all_inner_texts()
    search(page, base_url, "凉委发[2011]38号")
    assert result_links(page)[0].endswith(LIANGFENG)
    simplified = search(page, base_url, "计划生育")
    links = result_links(page)
    assert search(page, base_url, "計劃生育") == simplified.replace("计划生育", "計劃生育")
    assert result_links(page) == links and links
    assert not errors


def test_english_search_stems(page, base_url):
    status = search(page, base_url, "services", lang="en")
    links = result_links(page)
    assert links and all("/en/" in link for link in links)
    assert search(page, base_url, "service", lang="en").replace("service", "services") == status
    assert result_links(page) == links


def test_type_filter_and_back_forward(page, base_url):
    search(page, base_url, "计划生育")
    everything = page.locator("[data-search-status]").inner_text()
    page.locator("#search-type").select_option("policy")
    wait(page)
    assert "type=policy" in page.url
    types = set(page.locator(".search-type").all_inner_texts())
    assert types == {"政策文件"}
    page.locator("#search-q").fill("流动人口")
    page.locator("#search-q").press("Enter")
    wait(page)
    assert "q=%E6%B5%81" in page.url and "type=policy" in page.url  # a new search keeps the filter
    page.go_back()
    wait(page)
    assert page.locator("#search-q").input_value() == "计划生育"
    assert page.locator("#search-type").input_value() == "policy"
    page.go_back()
    assert wait(page) == everything
    page.go_forward()
    wait(page)
    assert set(page.locator(".search-type").all_inner_texts()) == {"政策文件"}


def test_header_search_box_lands_on_the_search_page(page, base_url):
    page.goto(f"{base_url}/index.html")
    page.locator("#site-search").fill("抚养费")
    page.locator("#site-search").press("Enter")
    page.wait_for_url("**/search.html?q=*")
    wait(page)
    assert any(link.endswith(LIANGFENG) for link in result_links(page))


@pytest.mark.parametrize("query, message", [
    ("", "请在上方输入要搜索的词语"),
    ("的", "单个汉字无法搜索"),
    ("，。！？", "请输入汉字、字母或数字"),
    ("🙂🙂", "请输入汉字、字母或数字"),
    ("a.*+?( )[x]{2}|^$", "没有找到"),
    ("人口" * 250, "只使用了前 50 个字符"),
    ("人口 xyzzy", "只搜索其中一个词"),
])
def test_bad_input_gets_a_message(page, base_url, query, message):
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    assert message in search(page, base_url, query)
    assert not errors


def test_markup_in_a_query_stays_text(page, base_url):
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    status = search(page, base_url, '<script>alert(1)</script><img src=x onerror="alert(2)">')
    assert "<script>alert(1)</script>" in status
    inserted = "[data-search-status] script, [data-search-status] img, .search-results script, .search-results img"
    assert page.locator(inserted).count() == 0 and not dialogs


@pytest.mark.parametrize("fail", ["abort", "404"])
def test_a_shard_that_fails_to_load_gives_a_message_and_a_retry(page, base_url, fail):
    def broken(route):
        route.abort() if fail == "abort" else route.fulfill(status=404, body="not found")
    page.route("**/search/s/**", broken)
    assert "搜索索引未能加载" in search(page, base_url, "抚养费")
    assert page.locator(".search-result").count() == 0
    page.unroute("**/search/s/**")
    page.get_by_role("button", name="重试").click()
    wait(page)
    assert any(link.endswith(LIANGFENG) for link in result_links(page))


def test_without_javascript_the_page_says_so(page_nojs, base_url):
    page_nojs.goto(f"{base_url}/search.html?q=抚养费")
    notice = page_nojs.locator("[data-search-nojs]")
    assert notice.is_visible() and "JavaScript" in notice.inner_text()
    assert notice.locator("a").count() >= 3


def test_search_pages_are_not_in_the_sitemap(site):
    assert "search.html" not in (site / "sitemap.xml").read_text(encoding="utf-8")
    assert (site / "search.html").exists() and (site / "en" / "search.html").exists()
    assert not (site / "search" / "whoosh-zh").exists()


# ---- the staff CLI ---------------------------------------------------------------------------------

def cli(site, *args):
    done = subprocess.run([sys.executable, str(ROOT / "scripts" / "search.py"), *args,
                           "--index", str(site.parent / "cache" / "search")], capture_output=True, text=True,
                          timeout=120)
    return done


def test_cli_searches_the_built_index(site):
    done = cli(site, "社会抚养费", "--json")
    assert done.returncode == 0, done.stderr
    hits = json.loads(done.stdout)["hits"]
    assert hits[0]["url"] == LIANGFENG
    ranged = json.loads(cli(site, "计划生育 AND date:[2011 to 2012]", "--type", "policy", "--json").stdout)
    assert ranged["hits"] and all(h["type"] == "policy" and h["date"][:4] in ("2011", "2012")
                                  for h in ranged["hits"])
    done = cli(site, "doc_number:凉委发〔2011〕38号")
    assert LIANGFENG in done.stdout
    english = json.loads(cli(site, "services", "--lang", "en", "--json").stdout)
    assert english["total"] and all(h["url"].startswith("en/") for h in english["hits"])
    missing = subprocess.run([sys.executable, str(ROOT / "scripts" / "search.py"), "x", "--index", str(site)],
                             capture_output=True, text=True, timeout=120)
    assert missing.returncode == 2 and "build the site first" in missing.stderr
