"""Search: the analysis rules, the indexes and their rebuilds, the browser client (against the sample portal), the CLI."""
from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import hashlib
import json
import os
import shutil
import subprocess
import sys
import unicodedata
import urllib.parse

import pytest
from conftest import ROOT, served
from whoosh import index as wi
from whoosh.lang.porter import stem

from gongkai.search import analysis
from gongkai.search.analysis import analyse_query, analyse_texts, index_tokens, normalize
from gongkai.search.collect import SearchDoc, all_field_names, html_text
from gongkai.search.export import TEXT_CHARS, export
from gongkai.search.index import (SearchIndex, Units, WORDS_FIELD, add_documents, fnv1a, search_whoosh,
                                  whoosh_document, whoosh_schema)
from gongkai.search.segment import write_index

LIANGFENG = "policy/liangfeng-population-work-opinions-2011.html"


def found(text: str, query: str) -> bool:
    """Does the one-chunk *query* occur in *text* as a phrase (consecutive slots), as the index sees it?"""
    terms, slots = index_tokens(text)
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


@pytest.mark.parametrize("text", ["ＡＢＣ１２３\u3000服务", "e\u0301 ﬁ ㈠ ℅ ½", "Ａ\u0300 \U0001d400\U0001d7ce 豈 Å",
                                  "\u1100\u1161\u11a8 가 ᄀ", "計劃生育【2011】ǅ"])
def test_fast_normalisation_equals_nfkc_then_folding(text):
    pattern, table = analysis._fold()
    reference = pattern.sub(lambda m: table[m.group()], unicodedata.normalize("NFKC", text)).lower()
    assert normalize(text) == reference


def reference_tokens(text: str) -> list[tuple[str, int]]:
    """The slot rules of analysis.py, one character run at a time (the module's docstring)."""
    out, slot = [], 0
    for run, word in analysis.SCAN_RE.findall(normalize(text)):
        if run:
            n = len(run)
            out += [("<" + run[0], slot), (run[-1] + ">", slot + max(n - 1, 1) - 1)]
            out += [(run[i:i + 2], slot + i) for i in range(n - 1)]
            slot += max(n - 1, 1)
        elif word not in analysis.STOP:
            out.append((analysis.latin_term(word), slot))
            slot += 1
    return sorted(out)


def test_texts_analysed_together_get_the_tokens_of_each_alone(monkeypatch):
    monkeypatch.setattr(analysis, "BATCH_CHARS", 30)  # several batches
    texts = ["进一步做好人口计生工作，落实社会抚养费", "", "人", "the services of 2011年3月 凉委发〔2011〕38号",
             "ＷＨＯ和联合国人口基金 who planning", "，。！", "the of", "計劃生育 𠀀𠀁 abc"]
    together = analyse_texts(texts)
    for unit, text in enumerate(texts):
        assert sorted(together.unit_tokens(unit)) == reference_tokens(text), text
        assert sorted(together.unit_words(unit)) == sorted(
            w for w in analysis.rjieba.cut_for_search(normalize(text)) if len(w) > 1 and analysis.HAN_RE.match(w))
    assert together.terms == sorted(together.terms) and together.words == sorted(together.words)


def test_english_inflections_share_a_stem():
    for a, b in [("services", "service"), ("planning", "planned"), ("registrations", "registration")]:
        assert analyse_query(a)[0].tokens == analyse_query(b)[0].tokens
    assert analyse_query("the of")[0].problem == "common"


def test_queries_without_searchable_text_say_why():
    assert [c.problem for c in analyse_query("的 🙂 ，。！ the")] == ["short", "symbols", "symbols", "common"]


def test_html_text_keeps_blocks_apart_and_drops_markup():
    html = ('<p>人口<b>计生</b>&amp;服务</p><ul><li>一</li><li>二</li></ul><img alt="a > b" src="x.png">'
            '<script>bad()</script><!-- <p>hidden</p> -->尾<br>行')
    assert html_text(html) == "人口计生&服务\n一\n二\n尾\n行"


# ---- the indexes ---------------------------------------------------------------------------------

def doc(url, title, body, type_="news", date=dt.date(2012, 3, 1), **metadata):
    fields = (("title", title), *metadata.items(), ("body", body))
    return SearchDoc(url=url, type=type_, title=title, date=date, region="", fields=fields, meta="", excerpt=body[:100])


EXACT = doc("news/exact.html", "工作简报", "全县人口计生工作会议召开。", source="县人口计生局", tags="会议")
SCATTERED = doc("news/scattered.html", "人口 人口 人口", "口计 口计 口计 口计，人口普查。")
OTHER = doc("news/other.html", "流动人口服务", "为流动人口提供免费服务。", type_="policy", date=dt.date(2011, 5, 2),
            doc_number="凉委发〔2011〕38号")
POINT = SearchDoc(url="directory/p1.html", type="service_point", title="计划生育服务站", date=None, region="凉风乡",
                  fields=(("title", "计划生育服务站"), ("region", "凉风乡"), ("body", "免费避孕药具 咨询")),
                  meta="凉风乡", excerpt="免费避孕药具")
ENGLISH = doc("en/news/a.html", "Migrant services", "Free contraceptives for migrant families, planning services.")
DOCS = [EXACT, SCATTERED, OTHER, POINT, ENGLISH]
# Enough documents that one edit leaves the average field lengths (two significant digits) as they were,
# with enough distinct bigrams to fill many shards.
MANY = [doc(f"news/n{i}.html", f"第{i}篇工作简报", "".join(chr(0x4E00 + (i * 97 + k * k) % 150) for k in range(50)))
        for i in range(300)] + DOCS


def edit(docs: list[SearchDoc], i: int, body: str) -> list[SearchDoc]:
    out = list(docs)
    out[i] = dataclasses.replace(docs[i], fields=docs[i].fields[:-1] + (("body", body),))
    return out


def counting():
    calls = []

    def analyser(texts):
        calls.append(texts)
        return analyse_texts(texts)
    return analyser, calls


def test_a_rebuild_analyses_only_the_edited_document(tmp_path):
    analyser, calls = counting()
    SearchIndex("zh", str(tmp_path), analyser).build(MANY)
    assert sum(map(len, calls)) == sum(len(d.fields) for d in MANY)
    edited = edit(MANY, MANY.index(OTHER), "为流动人口提供婚育证明办理服务。")
    analyser, calls = counting()
    index = SearchIndex("zh", str(tmp_path), analyser)
    index.build(edited)
    assert calls == [[text for _, text in edited[MANY.index(OTHER)].fields]]
    assert index.stats == {"analysed": 1, "reused": len(MANY) - 1, "whoosh_written": 1, "whoosh_deleted": 1}
    assert [h.url for h in search_whoosh(str(tmp_path), "zh", "婚育证明")[1]] == [OTHER.url]
    assert OTHER.url not in [h.url for h in search_whoosh(str(tmp_path), "zh", "免费")[1]]


def test_added_and_removed_documents_are_renumbered_not_analysed_again(tmp_path):
    SearchIndex("zh", str(tmp_path / "warm")).build(MANY)
    added = doc("news/m-added.html", "第九百篇工作简报", "".join(chr(0x4E00 + (900 * 97 + k * k) % 150) for k in range(50)))
    docs = [d for d in MANY if d.url != "news/n7.html"] + [added]  # one goes, one comes: the ids after them shift
    analyser, calls = counting()
    index = SearchIndex("zh", str(tmp_path / "warm"), analyser)
    index.build(docs)
    assert calls == [[text for _, text in added.fields]]
    assert index.stats == {"analysed": 1, "reused": len(MANY) - 1, "whoosh_written": 1, "whoosh_deleted": 1}
    cold = SearchIndex("zh", str(tmp_path / "cold"))
    cold.build(docs)
    assert index.records == cold.records and index.changed_terms is None
    assert [h.url for h in search_whoosh(str(tmp_path / "warm"), "zh", "第九百篇")[1]] == [added.url]
    assert "news/n7.html" not in [h.url for h in search_whoosh(str(tmp_path / "warm"), "zh", "工作简报", limit=500)[1]]


def test_whoosh_phrase_field_and_date_queries(tmp_path):
    SearchIndex("zh", str(tmp_path)).build(DOCS)
    assert [h.url for h in search_whoosh(str(tmp_path), "zh", "人口计")[1]] == [EXACT.url]
    assert {h.url for h in search_whoosh(str(tmp_path), "zh", "人口 口计")[1]} == {EXACT.url, SCATTERED.url}
    assert [h.url for h in search_whoosh(str(tmp_path), "zh", "doc_number:凉委发[2011]38号")[1]] == [OTHER.url]
    assert [h.url for h in search_whoosh(str(tmp_path), "zh", "人口 AND date:[2011 to 2011]")[1]] == [OTHER.url]
    assert [h.url for h in search_whoosh(str(tmp_path), "zh", "人口 OR 避孕药具", types=["service_point"])[1]] \
        == [POINT.url]
    assert [h.url for h in search_whoosh(str(tmp_path), "zh", "services")[1]] == [ENGLISH.url]


def postings(reader):
    """Everything a Whoosh reader answers about its index, for comparing two indexes."""
    out = {"docs": reader.doc_count_all(), "stored": [reader.stored_fields(d) for d in range(reader.doc_count_all())]}
    for name in reader.schema.names():
        out[name] = reader.field_length(name), [reader.doc_field_length(d, name) for d in range(out["docs"])]
    for name, text in reader.all_terms():
        info = reader.term_info(name, text)
        fmt = reader.schema[name].format
        matcher, rows = reader.postings(name, text), []
        while matcher.is_active():
            value = matcher.value_as("positions") if fmt.supports("positions") else \
                matcher.value_as("frequency") if fmt.fixed_value_size() else None
            rows.append((matcher.id(), matcher.weight(), value))
            matcher.next()
        out[name, text] = (info.weight(), info.doc_frequency(), info.min_length(), info.max_length(),
                           info.max_weight(), rows)
    return out


def test_the_one_pass_whoosh_writer_makes_the_index_whooshs_writer_makes(tmp_path):
    texts = [text for d in DOCS for _, text in d.fields]
    analysed = analyse_texts(texts)
    units = Units.of(DOCS, range(len(DOCS)), analysed)
    (tmp_path / "fast").mkdir()
    write_index(str(tmp_path / "fast"), whoosh_schema(), [whoosh_document(d) for d in DOCS], analysed, units.doc,
                units.field, all_field_names(), WORDS_FIELD)
    (tmp_path / "whoosh").mkdir()
    writer = wi.create_in(str(tmp_path / "whoosh"), whoosh_schema()).writer()
    add_documents(writer, DOCS, analysed)
    writer.commit()
    fast = postings(wi.open_dir(str(tmp_path / "fast")).reader())
    assert fast == postings(wi.open_dir(str(tmp_path / "whoosh")).reader())
    assert len(fast) > 100


def tree(folder):
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_an_edit_rewrites_only_its_shards_and_equals_a_first_build(tmp_path):
    SearchIndex("zh", str(tmp_path / "cache")).build(MANY)
    first = SearchIndex("zh", str(tmp_path / "cache"))
    first.build(MANY)  # unchanged: nothing analysed, the same records
    assert first.stats["analysed"] == 0
    export(first, str(tmp_path / "live"))
    edited = edit(MANY, MANY.index(EXACT), "全县人口普查工作会议召开。")
    again = SearchIndex("zh", str(tmp_path / "cache"))
    again.build(edited)
    export(again, str(tmp_path / "warm"), str(tmp_path / "live"))
    cold = SearchIndex("zh", str(tmp_path / "cold-cache"))
    cold.build(edited)
    export(cold, str(tmp_path / "cold"))
    assert tree(tmp_path / "warm") == tree(tmp_path / "cold")
    linked = [p for p in (tmp_path / "warm" / "s").iterdir()
              if os.stat(p).st_ino == os.stat(tmp_path / "live" / "s" / p.name).st_ino]
    assert 0 < len(linked) < len(list((tmp_path / "warm" / "s").iterdir()))
    assert again.stats["analysed"] == 1


def test_files_of_another_build_are_not_reused(tmp_path):
    SearchIndex("zh", str(tmp_path / "cache")).build(DOCS)
    stale = SearchIndex("zh", str(tmp_path / "cache"))
    stale.build(DOCS)
    export(stale, str(tmp_path / "live"))
    (tmp_path / "live" / "meta.json").write_bytes((tmp_path / "live" / "meta.json").read_bytes())  # not ours now
    edited = [DOCS[0], dataclasses.replace(SCATTERED, title="人口 人口"), *DOCS[2:]]
    index = SearchIndex("zh", str(tmp_path / "cache"))
    index.build(edited)
    export(index, str(tmp_path / "out"), str(tmp_path / "live"))
    assert all(os.stat(p).st_nlink == 1 for p in (tmp_path / "out").rglob("*") if p.is_file())


@contextlib.contextmanager
def index_page(folder, browser, docs, init_script=None):
    """A page with search.js over a static index of *docs* (no site build); yields (page, index, fetched URLs)."""
    index = SearchIndex("zh", str(folder / "cache"))
    index.build(docs)
    export(index, str(folder / "www" / "search"))
    shutil.copy(ROOT / "theme" / "static" / "js" / "search.js", folder / "www" / "search.js")
    (folder / "www" / "index.html").write_text(
        '<!DOCTYPE html><meta charset="utf-8"><script src="search.js"></script>', encoding="utf-8")
    fetched = []
    with served(folder / "www") as url:
        page = browser.new_page()
        if init_script:
            page.add_init_script(init_script)
        page.on("request", lambda r: fetched.append(r.url.split("/search/", 1)[-1]))
        page.goto(f"{url}/index.html")
        try:
            yield page, index, fetched
        finally:
            page.close()


@pytest.fixture
def mini(tmp_path, browser):
    with index_page(tmp_path, browser, DOCS) as (page, index, _):
        yield page, index


def ranked(tab, index, query, **params):
    """(url, exact) of every result, in order, as the browser ranks them."""
    results = tab.evaluate("""([q, params]) => GongkaiSearch.search(new GongkaiSearch.Index("search/"),
                               Object.assign({q: q}, params)).then(r => r.results)""", [query, params])
    return [(index.docs[r["id"]].url, r["exact"]) for r in results]


def test_documents_with_the_exact_string_rank_first(mini):
    page, index = mini
    assert ranked(page, index, "人口计") == [(EXACT.url, True), (SCATTERED.url, False)]


def phrase_corpus(scattered: int) -> list[SearchDoc]:
    """Three documents holding 人口计 once, after *scattered* that score higher on its bigrams alone."""
    true = [doc(f"news/t{i}.html", f"简报{i}", f"今年全县人口计生工作会议第{i}次召开。") for i in range(3)]
    false = [doc(f"news/f{i}.html", f"人口{i}", "口计，" * (4 + i % 5)) for i in range(scattered)]
    return true + false


@pytest.mark.parametrize("scattered, no_inflate, reads", [
    (5, False, {"x/"}),        # a few to check: the documents' texts
    (60, False, {"x/", "p/"}),  # more than VERIFY_LIMIT texts would not fill the page: then the terms' slots
    (5, True, {"p/"}),         # a browser without DecompressionStream: slots alone
])
def test_exact_documents_rank_first_whichever_way_they_are_checked(tmp_path, browser, scattered, no_inflate,
                                                                   reads):
    docs = phrase_corpus(scattered)
    script = "delete window.DecompressionStream;" if no_inflate else None
    with index_page(tmp_path, browser, docs, script) as (page, index, fetched):
        got = ranked(page, index, "人口计")
        assert sorted(url for url, exact in got[:3] if exact) == [f"news/t{i}.html" for i in range(3)]
        assert len(got) == 3 + scattered and not any(exact for _, exact in got[3:])
        assert {f[:2] for f in fetched} & {"x/", "p/"} == reads
        # A later page settles further down the list and keeps the first page as it was.
        assert ranked(page, index, "人口计", page=2, perPage=2)[:2] == got[:2]


def test_a_phrase_past_the_kept_text_is_checked_with_slots(tmp_path, browser):
    filler = "，".join(f"第{i}条" for i in range(TEXT_CHARS // 3))
    late = doc("news/late.html", "长文", filler + "。全县人口计生工作会议召开。")
    scattered = doc("news/scattered.html", "人口", "口计。")
    with index_page(tmp_path, browser, [late, scattered]) as (page, index, fetched):
        assert ranked(page, index, "人口计") == [(late.url, True), (scattered.url, False)]
        assert {f[:2] for f in fetched} >= {"x/", "p/"}


def test_common_terms_have_files_of_their_own(tmp_path, browser):
    docs = [doc(f"news/m{i}.html", f"第{i}篇工作简报", "会议") for i in range(700)]
    with index_page(tmp_path, browser, docs) as (page, index, fetched):
        own = sorted(p.name for p in (tmp_path / "www" / "search" / "s").glob("f*.bin"))
        assert own and len(own) < len(index.records)
        got = ranked(page, index, "工作简报")
        assert len(got) == 700 and all(exact for _, exact in got[:10])
        assert {f for f in fetched if f.startswith("s/f")} <= {f"s/{name}" for name in own}
        assert any(f.startswith("s/f") for f in fetched)


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
    english = search(page, base_url, "services", lang="en")
    en_links = result_links(page)
    assert en_links and all("/en/" in link for link in en_links)
    assert search(page, base_url, "service", lang="en").replace("service", "services") == english
    assert result_links(page) == en_links
    assert not errors


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


def test_bad_input_gets_a_message_and_stays_text(page, base_url):
    errors, dialogs = [], []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    for query, message in [
        ("", "请在上方输入要搜索的词语"),
        ("的", "单个汉字无法搜索"),
        ("，。！？", "请输入汉字、字母或数字"),
        ("🙂🙂", "请输入汉字、字母或数字"),
        ("a.*+?( )[x]{2}|^$", "没有找到"),
        ("人口" * 250, "只使用了前 50 个字符"),
        ("人口 xyzzy", "只搜索其中一个词"),
        ('<script>alert(1)</script><img src=x onerror="alert(2)">', "<script>alert(1)</script>"),
    ]:
        assert message in search(page, base_url, query), query
    inserted = "[data-search-status] script, [data-search-status] img, .search-results script, .search-results img"
    assert page.locator(inserted).count() == 0 and not dialogs and not errors


def test_a_shard_that_fails_to_load_gives_a_message_and_a_retry(page, base_url):
    for broken in (lambda route: route.abort(), lambda route: route.fulfill(status=404, body="not found")):
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


def test_search_files_sitemap_and_cache_location(site):
    assert "search.html" not in (site / "sitemap.xml").read_text(encoding="utf-8")
    assert (site / "search.html").exists() and (site / "en" / "search.html").exists()
    meta = json.loads((site / "search" / "meta.json").read_text(encoding="utf-8"))
    assert meta["docs"] == len(list((site / "search" / "d").iterdir()))
    assert not list(site.rglob("whoosh-*")) and not list(site.rglob("state-*"))
    assert wi.exists_in(str(cache_of(site) / "whoosh-zh")) and wi.exists_in(str(cache_of(site) / "whoosh-en"))


# ---- the staff CLI ---------------------------------------------------------------------------------

def cache_of(site):
    return site.parent / (site.name + ".cache") / "search"


def cli(*args):
    return subprocess.run([sys.executable, str(ROOT / "scripts" / "search.py"), *args], capture_output=True,
                          text=True, timeout=120)


def test_the_built_whoosh_index_answers_fields_dates_and_types(site):
    cache = str(cache_of(site))
    assert search_whoosh(cache, "zh", "社会抚养费")[1][0].url == LIANGFENG
    total, hits = search_whoosh(cache, "zh", "计划生育 AND date:[2011 to 2012]", types=["policy"])
    assert hits and all(h.type == "policy" and h.date[:4] in ("2011", "2012") for h in hits)
    assert LIANGFENG in [h.url for h in search_whoosh(cache, "zh", "doc_number:凉委发〔2011〕38号")[1]]
    total, hits = search_whoosh(cache, "en", "services")
    assert total and all(h.url.startswith("en/") for h in hits)


def test_cli_prints_hits_from_the_built_index(site):
    done = cli("社会抚养费", "--json", "--index", str(cache_of(site)))
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["hits"][0]["url"] == LIANGFENG
    missing = cli("x", "--index", str(site))
    assert missing.returncode == 2 and "build the site first" in missing.stderr
