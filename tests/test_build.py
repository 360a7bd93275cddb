"""The sample portal, built for real: seed content, policy metadata, bilingual links, feeds, sitemap."""
from __future__ import annotations

import re
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
from conftest import ROOT
from conftest import parse_html as parse

# One title from every seed file (003 holds five documents: all of them).
SEED_TITLES = {
    "000": ("news/hubei-delegation-visits-guangdong.html", "湖北人口计生代表团来粤考察交流"),
    "001": ("policy/jiangxi-migrant-family-planning-conference.html", "开创我省流动人口计划生育工作新局面"),
    "002": ("news/yixiu-population-work-conference-2012.html", "宜秀区召开2012年人口和计划生育工作会议"),
    "003-1": ("agreements/shuang-chengxin-shuang-chengnuo.html", "人口计生“双诚信双承诺”协议书"),
    "003-2": ("policy/taiping-2012-work-plan.html", "太平乡2012年人口计生工作计划"),
    "003-3": ("policy/liangfeng-population-work-opinions-2011.html", "关于进一步抓好人口和计划生育工作的实施意见"),
    "003-4": ("policy/nanhui-2006-work-plan.html", "南汇区2006年人口与计划生育工作计划"),
    "003-5": ("news/xindu-birth-defect-pilot-seminar.html", "省出生缺陷干预试点工作研讨会在新都区召开"),
    "004": ("news/jinjiang-three-measures-migrant-services.html", "晋江推进“三化”提高流动人口计生服务管理水平"),
}


def text_of(tree) -> str:
    return re.sub(r"\s+", " ", tree.text_content())


@pytest.mark.parametrize("seed", sorted(SEED_TITLES))
def test_every_seed_is_published_with_its_title(site, seed):
    path, title = SEED_TITLES[seed]
    tree = parse(site / path)
    assert title in text_of(tree.xpath("//h1")[0])
    assert tree.xpath("//main//div[contains(@class, 'body')]//p"), "body paragraphs missing"


def test_policy_shows_public_information_table_with_restored_number(site):
    tree = parse(site / "policy/liangfeng-population-work-opinions-2011.html")
    rows = {th.text_content().strip(): td.text_content().strip()
            for th, td in zip(tree.xpath("//table[@class='info-table']//th"),
                              tree.xpath("//table[@class='info-table']//td"))}
    for label in ("索引号", "发文机关", "文号", "成文日期", "发布日期", "主题分类", "有效性"):
        assert rows.get(label) and rows[label] != "—", label
    assert rows["文号"] == "凉委发〔2011〕38号"
    assert "„" not in text_of(tree) and "38号" in text_of(tree)


def test_repealed_policy_has_banner_linking_its_successor(site):
    tree = parse(site / "policy/taiping-2011-work-plan.html")
    banner = tree.xpath("//*[contains(@class, 'status-banner')]")
    assert banner, "no status banner on a repealed document"
    assert "已废止" in text_of(banner[0])
    assert banner[0].xpath(".//a/@href") == ["/policy/taiping-2012-work-plan.html"]
    newer = parse(site / "policy/taiping-2012-work-plan.html")
    assert not newer.xpath("//*[contains(@class, 'status-banner')]")
    assert "/policy/taiping-2011-work-plan.html" in newer.xpath("//section[@class='related']//a/@href")


def test_news_article_has_source_bylines_and_figures(site):
    tree = parse(site / "news/hubei-delegation-visits-guangdong.html")
    byline = text_of(tree.xpath("//dl[@class='byline']")[0])
    assert "来源" in byline and "广东人口网" in byline
    figures = tree.xpath("//figure")
    assert len(figures) == 6
    for fig in figures:
        src = fig.xpath(".//img/@src")[0]
        assert (site / src.lstrip("/")).is_file()
        assert fig.xpath(".//figcaption")[0].text_content().strip()


@pytest.mark.parametrize("zh_path,en_path", [
    ("news/hubei-delegation-visits-guangdong.html", "en/news/hubei-delegation-visits-guangdong.html"),
    ("policy/liangfeng-population-work-opinions-2011.html", "en/policy/liangfeng-population-work-opinions-2011.html"),
    ("about.html", "en/about.html"),
    ("index.html", "en/index.html"),
])
def test_translations_are_linked_both_ways(site, zh_path, en_path):
    zh, en = parse(site / zh_path), parse(site / en_path)
    assert zh.xpath("/html/@lang") == ["zh-CN"] and en.xpath("/html/@lang") == ["en"]
    for tree in (zh, en):
        alternates = dict(zip(tree.xpath("//link[@rel='alternate'][@hreflang]/@hreflang"),
                              tree.xpath("//link[@rel='alternate'][@hreflang]/@href")))
        assert alternates == {"zh-CN": "/" + zh_path, "en": "/" + en_path}
    assert zh.xpath("//nav[@class='lang-switch']//a/@href") == ["/" + en_path]
    assert en.xpath("//nav[@class='lang-switch']//a/@href") == ["/" + zh_path]


def test_language_switch_says_when_there_is_no_translation(site):
    tree = parse(site / "news/yixiu-population-work-conference-2012.html")
    switch = tree.xpath("//nav[@class='lang-switch']")[0]
    assert switch.xpath(".//a/@href") == ["/en/index.html"]
    assert "本页暂无英文版" in text_of(switch)


HAN = re.compile(r"[\u3400-\u9fff]")


@pytest.mark.parametrize("path", ["en/index.html", "en/news/index.html", "en/policy/index.html",
                                  "en/news/hubei-delegation-visits-guangdong.html", "en/404.html",
                                  "en/policy/liangfeng-population-work-opinions-2011.html"])
def test_no_untranslated_ui_string_on_english_pages(site, path):
    tree = parse(site / path)
    for node in tree.xpath("//main//div[contains(@class,'body')] | //nav[@class='lang-switch'] | //*[@lang='zh-CN'][not(self::html)]"):
        node.getparent().remove(node)
    leftover = HAN.findall(text_of(tree.xpath("//body")[0]))
    assert not leftover, f"Chinese text in the English UI of {path}: {''.join(leftover)[:40]}"


def test_government_meta_tags(site):
    tree = parse(site / "news/jinjiang-three-measures-migrant-services.html")
    meta = dict(zip(tree.xpath("//meta[@name]/@name"), tree.xpath("//meta[@name]/@content")))
    for name in ("SiteName", "SiteDomain", "SiteIDCode", "ColumnName", "ArticleTitle", "PubDate",
                 "ContentSource", "Keywords", "Description", "Url"):
        assert meta.get(name), name
    assert meta["ArticleTitle"] == "晋江推进“三化”提高流动人口计生服务管理水平"
    assert meta["ColumnName"] == "新闻动态"
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}", meta["PubDate"])
    footer = text_of(tree.xpath("//footer")[0])
    for needle in ("主办单位", "ICP备", "网站标识码"):
        assert needle in footer


def test_lists_paginate_and_link_every_item(site):
    listed = parse(site / "news/index.html").xpath("//ol[@class='doc-list']//h2/a/@href")
    on_disk = sorted(p.name for p in (site / "news").glob("*.html") if p.name != "index.html")
    assert sorted(Path(h).name for h in listed) == on_disk


def test_feeds_per_language_and_type(site):
    ns = {"a": "http://www.w3.org/2005/Atom"}
    for lang_prefix in ("", "en/"):
        for name in ("all", "news", "policy", "agreements"):
            feed = ET.parse(site / f"{lang_prefix}feeds/{name}.atom.xml")
            for link in feed.findall(".//a:entry/a:link", ns):
                assert link.get("href").startswith("http://127.0.0.1:8000/" + lang_prefix)
    en_news = ET.parse(site / "en/feeds/news.atom.xml").findall(".//a:entry/a:title", ns)
    assert en_news and all(not HAN.search(t.text) for t in en_news)


def test_sitemap_holds_both_languages_with_correct_urls(site):
    tree = ET.parse(site / "sitemap.xml")
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}
    locs = [e.text for e in tree.findall(".//s:loc", ns)]
    assert "http://127.0.0.1:8000/news/hubei-delegation-visits-guangdong.html" in locs
    assert "http://127.0.0.1:8000/en/news/hubei-delegation-visits-guangdong.html" in locs
    assert not any("/en/en/" in u for u in locs)
    assert all(u.startswith("http://127.0.0.1:8000/") for u in locs)
    built = {str(p.relative_to(site)) for p in site.rglob("*.html")}
    missing = [u for u in locs if u.removeprefix("http://127.0.0.1:8000/") not in built]
    assert not missing


def test_publish_settings_give_absolute_urls(tmp_path):
    from conftest import build
    out = tmp_path / "out"
    result = build(ROOT / "content", out, conf=ROOT / "publishconf.py")
    assert result.returncode == 0, result.stderr
    sitemap = (out / "sitemap.xml").read_text(encoding="utf-8")
    assert "<loc>https://rkjs.example.gov.cn/en/" in sitemap
    feed = (out / "en/feeds/news.atom.xml").read_text(encoding="utf-8")
    assert 'href="https://rkjs.example.gov.cn/en/news/' in feed
