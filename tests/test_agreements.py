"""Agreement templates: the DOCX downloads (page, fonts, blanks), the read view, the fill-in form in
Chromium (preview, validation, 大写金额, print, the filled DOCX made in the browser), hostile input, and
templates whose placeholders and fields disagree."""
from __future__ import annotations

import datetime
import io
import math
import re
import zipfile
from pathlib import Path

import docx
import pytest
from conftest import ROOT, build, copy_content, parse_html, served
from docx.shared import Mm, Pt
from lxml import etree

from gongkai.agreements import docx as agreement_docx
from gongkai.agreements import model
from gongkai.schema import L

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
SLUG = "fixture-pledge"

FIXTURE_ZH = """\
---
title: 双诚信双承诺协议书（测试）
slug: fixture-pledge
date: 2013-05-01
party_a: 西街社区居民委员会
copies: 3
fields:
  - id: group
    label: {zh: 村民小组, en: Villager group}
    width: 3
  - id: wife_name
    label: {zh: 女方姓名, en: Wife's name}
    kind: name
    required: true
    help: {zh: 与身份证上的姓名一致, en: As on the identity card}
  - id: husband_name
    label: {zh: 男方姓名, en: Husband's name}
    kind: name
    required: true
  - id: children
    label: {zh: 现有子女数, en: Number of children}
    kind: number
  - id: reward
    label: {zh: 奖励金额, en: Reward}
    kind: money
    default: "500"
  - id: start_date
    label: {zh: 生效日期, en: Date of effect}
    kind: date
    required: true
  - id: method
    label: {zh: 避孕节育措施, en: Contraceptive measure}
    kind: choice
    choices:
      - {zh: 长效避孕措施, en: long-acting contraception}
      - {zh: 结扎手术, en: sterilisation}
  - id: agree
    label: {zh: 同意接受随访, en: Agrees to follow-up visits}
    kind: checkbox
---
甲方：西街社区居民委员会

乙方：[[group]]组夫妇，女方[[wife_name]]，男方[[husband_name]]，现有子女[[children]]个。

## 甲方承诺的内容

1. 在社会待遇、经济政策等方面给予优先优惠优待。
2. 主动按期落实节育措施的，一次性奖励[[reward]]元。

## 乙方承诺的内容

1. 自觉遵守计划生育法律法规，落实[[method]]。
2. [[agree]] 同意接受计划生育随访服务。

## 违约追究

本协议从[[start_date]]起生效。
"""

FIXTURE_EN = """\
---
title: Double Pledge Agreement (test)
slug: fixture-pledge
lang: en
date: 2013-05-01
party_a: Xijie Residents' Committee
copies: 3
---
Party B: the couple of group [[group]], wife [[wife_name]], husband [[husband_name]], with [[children]] children.

## Party A's commitments

A one-off reward of [[reward]] yuan.

## Party B's commitments

To adopt [[method]]. [[agree]] Agrees to follow-up visits.

## Breach

This agreement takes effect on [[start_date]].
"""

# The blanks of the zh body in order: (field id, width in full-width spaces; the checkbox is a box).
ZH_BLANKS = [("group", 3), ("wife_name", 4), ("husband_name", 4), ("children", 3), ("reward", 5),
             ("method", 6), ("start_date", 7)]

HOSTILE_HTML = "<img src=x onerror=alert(1)>"
HOSTILE_FORMULA = "=cmd|' /C calc'!A0"
HOSTILE_LONG = "长" * 1000 + "x" * 1000  # 2,000 characters, half of them one unbreakable Latin word


@pytest.fixture(scope="module")
def ag_site(tmp_path_factory) -> Path:
    """The sample portal plus the fixture template in both languages."""
    root = tmp_path_factory.mktemp("agreements")
    content = copy_content(root)
    (content / "agreements" / f"{SLUG}.md").write_text(FIXTURE_ZH, encoding="utf-8")
    (content / "agreements" / f"{SLUG}.en.md").write_text(FIXTURE_EN, encoding="utf-8")
    out = root / "output"
    result = build(content, out)
    assert result.returncode == 0, result.stdout + result.stderr
    return out


@pytest.fixture(scope="module")
def ag_url(ag_site):
    with served(ag_site) as url:
        yield url




def agreement_pages(site: Path) -> list[Path]:
    return sorted(p for folder in (site / "agreements", site / "en" / "agreements")
                  for p in folder.glob("*.html") if p.name != "index.html")


def docx_text(document) -> str:
    parts = [p.text for p in document.paragraphs]
    parts += [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join(parts)


def blank_runs(document) -> list:
    """Runs in the character style "Blank", which the template underlines."""
    return [r for p in document.paragraphs for r in p.runs if r.style is not None and r.style.name == "Blank"]


# --- DOCX files written by the build -----------------------------------------------------------------

def test_every_template_has_a_docx_linked_with_its_size(ag_site):
    pages = agreement_pages(ag_site)
    assert len(pages) >= 2
    for page in pages:
        target = page.with_suffix(".docx")
        assert target.is_file(), target
        links = parse_html(page).xpath("//section[@class='agreement-downloads']//a[@download]")
        own = [a for a in links if a.get("href").endswith("/" + target.relative_to(ag_site).as_posix())]
        assert own, f"{page} does not link {target.name}"
        kb = math.ceil(target.stat().st_size / 1024)
        assert f"{kb} KB" in own[0].getparent().text_content()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_templates_index_lists_each_template_with_language_date_and_downloads(ag_site, lang):
    prefix = "" if lang == "zh" else "en/"
    tree = parse_html(ag_site / prefix / "agreements" / "index.html")
    rows = tree.xpath("//table[@class='templates-table']/tbody/tr")
    by_href = {row.xpath(".//td[1]//a/@href")[0]: row for row in rows}
    for page in agreement_pages(ag_site):
        href = "/" + page.relative_to(ag_site).as_posix()
        assert href in by_href, f"{href} missing from the {lang} templates list"
        cells = by_href[href].xpath("./td")
        language = "English" if href.startswith("/en/") else "中文"
        assert cells[1].text_content().strip() == language
        date = cells[2].xpath(".//time/@datetime")[0]
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", date) and (date == "2013-05-01" or SLUG not in href)
        link = cells[3].xpath(".//a[@download]")[0]
        size = math.ceil((ag_site / link.get("href").lstrip("/")).stat().st_size / 1024)
        assert link.text.strip() == "DOCX" and f"({size} KB)" in cells[3].text_content()


def effective_east_asia_font(styles_xml: bytes, style_id: str) -> tuple[str | None, int | None]:
    """(w:eastAsia font, half-point size) of a paragraph style, following basedOn and the doc defaults."""
    root = etree.fromstring(styles_xml)
    font = size = None
    while style_id and (font is None or size is None):
        style = root.find(f"{W}style[@{W}styleId='{style_id}']")
        assert style is not None, f"no style {style_id}"
        fonts = style.find(f"{W}rPr/{W}rFonts")
        font = font or (fonts.get(f"{W}eastAsia") if fonts is not None else None)
        sz = style.find(f"{W}rPr/{W}sz")
        size = size or (int(sz.get(f"{W}val")) if sz is not None else None)
        based = style.find(f"{W}basedOn")
        style_id = based.get(f"{W}val") if based is not None else None
    defaults = root.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr")
    return (font or defaults.find(f"{W}rFonts").get(f"{W}eastAsia"),
            size or int(defaults.find(f"{W}sz").get(f"{W}val")))


def test_every_docx_is_a4_with_official_margins_fonts_and_sizes(ag_site):
    files = sorted(ag_site.rglob("*.docx"))
    assert len(files) >= 2
    for path in files:
        document = docx.Document(str(path))
        section = document.sections[0]
        assert abs(section.page_width - Mm(210)) < Mm(0.1) and abs(section.page_height - Mm(297)) < Mm(0.1)
        for side, mm in (("top", 37), ("bottom", 35), ("left", 28), ("right", 26)):
            assert abs(getattr(section, f"{side}_margin") - Mm(mm)) < Mm(0.1), (path, side)
        with zipfile.ZipFile(path) as z:
            styles_xml, body = z.read("word/styles.xml"), etree.fromstring(z.read("word/document.xml"))
        used = {p.get(f"{W}val") for p in body.iter(f"{W}pStyle")}
        assert {"Title", "BodyText", "Heading1"} <= used, path
        for style_id in used:
            font, size = effective_east_asia_font(styles_xml, style_id)
            if style_id == "Title":
                assert font in ("方正小标宋简体", "宋体") and size == 44, (path, font, size)  # 2号 = 22 pt
            elif style_id == "CopiesNote":
                assert font.startswith("仿宋"), (path, style_id, font)
            else:
                assert font in ("仿宋_GB2312", "仿宋", "黑体", "楷体_GB2312") and size == 32, (path, style_id, font)
        title = document.paragraphs[0]
        assert title.style.name == "Title" and title.style.font.size == Pt(22)
        assert document.styles["Body Text"].font.size == Pt(16)
        assert document.styles["Blank"].font.underline is True


def test_fixture_docx_holds_the_text_numbered_sections_blanks_and_signature_block(ag_site):
    document = docx.Document(str(ag_site / "agreements" / f"{SLUG}.docx"))
    text = docx_text(document)
    for needle in ("双诚信双承诺协议书（测试）", "甲方：西街社区居民委员会", "一、甲方承诺的内容", "二、乙方承诺的内容",
                   "三、违约追究", "1．在社会待遇", "☐ 同意接受计划生育随访服务", "（本协议一式三份）"):
        assert needle in text, needle
    field_blanks = [r.text for p in document.paragraphs[1:] for r in p.runs
                    if r.style is not None and r.style.name == "Blank"]
    assert field_blanks == ["\u3000" * width for _, width in ZH_BLANKS]
    table = document.tables[0]
    cells = [[c.text for c in row.cells] for row in table.rows]
    assert cells[0] == ["甲方：西街社区居民委员会", "乙方：" + "\u3000" * 8]
    assert cells[1] == ["（公章）", "（签名）"]
    assert cells[2][0].startswith("法定代表人（签名）：")
    assert all(c.startswith("日期：") and c.endswith("日") for c in cells[3])
    assert document.core_properties.title == "双诚信双承诺协议书（测试）"

    english = docx_text(docx.Document(str(ag_site / "en" / "agreements" / f"{SLUG}.docx")))
    for needle in ("Double Pledge Agreement (test)", "1. Party A's commitments", "Party A: Xijie Residents' Committee",
                   "(official seal)", "(Made in 3 copies)"):
        assert needle in english, needle


def test_docx_bytes_do_not_depend_on_when_they_were_built(ag_site):
    with zipfile.ZipFile(ag_site / "agreements" / f"{SLUG}.docx") as z:
        assert {info.date_time for info in z.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        core = z.read("docProps/core.xml").decode()
    assert core.count("2013-05-01T00:00:00Z") == 2  # created and modified: the template's date
    agreement = model.Agreement(slug="x", lang="zh", title="标题", date=datetime.datetime(2020, 1, 2), party_a="",
                                party_b="", copies=2, fields=(), blocks=model.parse_body("<p>正文</p>", {}, "zh"))
    template = agreement_docx.StyleTemplate.load(str(ROOT / "theme" / "docx" / "agreement.docx"))
    assert agreement_docx.render(agreement, template) == agreement_docx.render(agreement, template)


def test_style_template_is_checked_before_anything_is_written():
    path = ROOT / "theme" / "docx" / "agreement.docx"
    template = agreement_docx.StyleTemplate.load(str(path))
    assert template.problems() == []
    with zipfile.ZipFile(path) as src:
        parts = {name: src.read(name) for name in src.namelist()}
    parts["word/styles.xml"] = re.sub(rb'<w:style w:type="character" w:customStyle="1" w:styleId="Blank">.*?</w:style>',
                                      b"", parts["word/styles.xml"], flags=re.S)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as dst:
        for name, data in parts.items():
            dst.writestr(name, data)
    problems = agreement_docx.StyleTemplate("broken.docx", buf.getvalue()).problems()
    assert len(problems) == 1 and "no style 'Blank'" in problems[0]


# --- the document model -------------------------------------------------------------------------------

def blank_field(fid: str, kind: str = "text") -> model.BlankField:
    return model.BlankField.from_values({"id": fid, "label": L("名", "Name"), "kind": kind})


def test_sections_are_numbered_unless_the_body_numbers_them():
    plain = model.parse_body("<h2>甲方</h2><p>a</p><h3>细则</h3><h2>乙方</h2>", {}, "zh")
    assert [(b.marker, b.level) for b in plain if b.kind == "heading"] == [("一、", 1), ("", 2), ("二、", 1)]
    numbered = model.parse_body("<h2>一、甲方</h2><h2>二、乙方</h2>", {}, "zh")
    assert [b.marker for b in numbered] == ["", ""]
    assert [b.marker for b in model.parse_body("<h2>A</h2><h2>B</h2>", {}, "en")] == ["1. ", "2. "]
    assert [model.cn_number(n) for n in (1, 10, 11, 20, 23)] == ["一", "十", "十一", "二十", "二十三"]


def test_placeholders_become_blanks_and_lists_keep_their_numbers():
    fields = {"name": blank_field("name", "name"), "ok": blank_field("ok", "checkbox")}
    blocks = model.parse_body("<p>甲方\n[[name]]，[[ghost]]</p><ol><li>一<ol><li>[[ok]]细</li></ol></li></ol>",
                              fields, "zh")
    first = blocks[0].parts
    assert first[0] == model.Text("甲方") and first[1].field.id == "name" and first[1].field.blank == "\u3000" * 4
    assert first[2] == model.Text("，[[ghost]]")  # undeclared: left for the build's check to report
    assert [(b.kind, b.marker, b.level) for b in blocks[1:]] == [("item", "1．", 0), ("item", "（1）", 1)]
    assert blocks[2].parts[0].field.blank == "☐"


# --- bad templates stop the build -----------------------------------------------------------------------

def test_undeclared_placeholder_and_unused_field_stop_the_build_naming_both(tmp_path):
    content = copy_content(tmp_path)
    bad = FIXTURE_ZH.replace("男方[[husband_name]]", "男方[[husbnd_name]]")
    (content / "agreements" / "broken.md").write_text(bad.replace(f"slug: {SLUG}", "slug: broken"),
                                                     encoding="utf-8")
    out = tmp_path / "output"
    result = build(content, out)
    assert result.returncode != 0
    report = result.stdout + result.stderr
    assert "broken.md" in report
    assert "[[husbnd_name]]" in report and "never uses [[husband_name]]" in report
    assert not out.exists()


# --- the page without JavaScript ------------------------------------------------------------------------

def test_page_forbids_sending_anything_and_says_so(ag_site):
    for path in agreement_pages(ag_site):
        tree = parse_html(path)
        csp = tree.xpath("//meta[@http-equiv='Content-Security-Policy']/@content")[0]
        directives = dict(d.strip().split(" ", 1) for d in csp.split(";"))
        assert directives["connect-src"] == "'none'" and directives["form-action"] == "'none'"
        assert "unsafe-inline" not in csp and "http" not in csp
        for url in tree.xpath("//script/@src | //link/@href | //img/@src | //iframe/@src"):
            assert url.startswith("/"), f"{path.name} loads {url}"
        assert tree.xpath("//p[@class='privacy-note']")
        assert not tree.xpath("//*[@style] | //script[not(@src) and not(@type='application/json')]")


def test_english_pages_have_no_untranslated_ui_text(ag_site):
    for path in [p for p in agreement_pages(ag_site) if p.parent.parent.name == "en"] + \
            [ag_site / "en" / "agreements" / "index.html"]:
        tree = parse_html(path)
        for node in tree.xpath("//div[contains(@class, 'agreement-body')] | //nav[@class='lang-switch'] | "
                               "//*[@lang='zh-CN'][not(self::html)] | //script"):
            node.getparent().remove(node)
        leftover = re.findall(r"[\u3400-\u9fff]", tree.xpath("//body")[0].text_content())
        assert not leftover, f"Chinese text on {path.name}: {''.join(leftover)[:40]}"


def test_without_javascript_the_template_shows_blanks_and_download_links(page_nojs, ag_url):
    page_nojs.goto(f"{ag_url}/agreements/{SLUG}.html")
    assert not page_nojs.locator("#agreement-form").is_visible()
    assert page_nojs.locator("[data-agreement-nojs]").is_visible()
    blanks = page_nojs.locator("#agreement-doc [data-field]")
    assert blanks.count() == len(ZH_BLANKS) + 1
    wife = page_nojs.get_by_role("group", name="女方姓名")
    assert wife.inner_text() == "\u3000" * 4
    assert wife.evaluate("e => getComputedStyle(e).textDecorationLine") == "underline"
    assert page_nojs.locator(".sign-table").inner_text().count("日期") == 2
    links = page_nojs.locator(".agreement-downloads a[download]")
    assert links.count() == 2
    for i in range(2):
        response = page_nojs.request.get(ag_url + links.nth(i).get_attribute("href"))
        assert response.ok and response.body()[:2] == b"PK"


# --- the fill-in form in Chromium -----------------------------------------------------------------------

def open_form(page, url, lang="zh"):
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    prefix = "" if lang == "zh" else "en/"
    page.goto(f"{url}/{prefix}agreements/{SLUG}.html")
    assert page.locator("#agreement-form").is_visible()
    return errors


def blank(page, fid: str):
    return page.locator(f"#agreement-doc [data-field='{fid}']")


def fill_valid(page):
    page.fill("#f-group", "三")
    page.fill("#f-wife_name", "李梅")
    page.fill("#f-husband_name", "王强")
    page.fill("#f-children", "2")
    page.fill("#f-reward", "1200.50")
    page.fill("#f-start_date", "2013-05-01")
    page.select_option("#f-method", "1")
    page.check("#f-agree")


def test_form_is_built_from_the_field_definitions(page, ag_url):
    open_form(page, ag_url)
    assert page.get_by_role("textbox", name="女方姓名").get_attribute("required") is not None
    assert page.locator("#f-wife_name-help").inner_text() == "与身份证上的姓名一致"
    assert page.locator("#f-start_date").get_attribute("type") == "date"
    assert page.locator("#f-reward").get_attribute("inputmode") == "decimal"
    assert page.locator("#f-reward").input_value() == "500"  # the default
    assert page.locator("#f-method option").all_inner_texts()[1:] == ["长效避孕措施", "结扎手术"]
    assert page.locator("#f-agree").get_attribute("type") == "checkbox"
    assert page.locator(".copies-hint").inner_text() == "本协议一式三份：请打印三份，每份分别签字盖章。"


def test_typing_fills_the_preview(page, ag_url):
    errors = open_form(page, ag_url)
    assert blank(page, "reward").inner_text() == "500"
    fill_valid(page)
    assert blank(page, "wife_name").inner_text() == "李梅"
    assert blank(page, "husband_name").inner_text() == "王强"
    assert blank(page, "start_date").inner_text() == "2013年5月1日"
    assert blank(page, "method").inner_text() == "结扎手术"
    assert blank(page, "agree").inner_text() == "☑"
    assert page.locator("[data-capitals='reward']").inner_text() == "壹仟贰佰元伍角"
    page.fill("#f-wife_name", "")
    assert blank(page, "wife_name").inner_text() == "\u3000" * 4
    page.get_by_role("button", name="清空表单").click()
    assert page.locator("#f-husband_name").input_value() == ""
    assert blank(page, "husband_name").inner_text() == "\u3000" * 4
    assert blank(page, "reward").inner_text() == "500"
    assert not errors


CAPITALS = [
    ("1200.50", "壹仟贰佰元伍角"), ("1005.07", "壹仟零伍元零柒分"), ("10", "壹拾元整"), ("0.05", "伍分"),
    ("0", "零元整"), ("100000000", "壹亿元整"), ("110000000", "壹亿壹仟万元整"), ("100010000", "壹亿零壹万元整"),
    ("20304", "贰万零叁佰零肆元整"), ("1,000", "壹仟元整"), ("12.345", ""), ("abc", ""),
]


def test_money_fields_show_the_amount_in_chinese_capitals(page, ag_url):
    open_form(page, ag_url)
    shown = []
    for amount, _ in CAPITALS:
        page.fill("#f-reward", amount)
        shown.append((amount, page.locator("[data-capitals='reward']").inner_text()))
    assert shown == CAPITALS


def test_validation_names_each_problem_and_blocks_print_and_download(page, ag_url):
    open_form(page, ag_url)
    page.fill("#f-reward", "12.345")
    page.fill("#f-children", "两个")
    page.get_by_role("button", name="打印", exact=True).click()
    summary = page.locator("#error-summary")
    assert summary.is_visible()
    assert page.evaluate("document.activeElement.id") == "error-summary"
    listed = summary.locator("li").all_inner_texts()
    assert len(listed) == 5  # wife, husband, date required; money; number
    assert page.locator("#f-wife_name-error").inner_text() == "此项必须填写。"
    assert "最多两位小数" in page.locator("#f-reward-error").inner_text()
    assert page.locator("#f-children-error").inner_text() == "请填写数字，例如3或2.5。"
    assert page.locator("#f-reward").get_attribute("aria-invalid") == "true"
    # An impossible day (Debian's Chromium lays date fields out month/day/year).
    page.focus("#f-start_date")
    page.keyboard.type("02")
    page.keyboard.type("30")
    page.keyboard.type("2023")
    page.focus("#f-method")
    assert page.locator("#f-start_date-error").inner_text() == "请填写真实有效的日期（年、月、日）。"
    fill_valid(page)
    page.focus("#f-method")
    assert page.locator(".field-error:visible").count() == 0
    with page.expect_download():
        page.get_by_role("button", name="下载填好的DOCX").click()
    assert summary.is_hidden()


def test_print_shows_only_the_document_on_a4(page, ag_url):
    open_form(page, ag_url)
    fill_valid(page)
    page.emulate_media(media="print")
    assert page.locator("#agreement-doc").is_visible()
    assert blank(page, "wife_name").inner_text() == "李梅"
    for hidden in (".site-header", ".site-footer", ".breadcrumb", "#agreement-form", ".agreement-head h1",
                   ".agreement-downloads", ".privacy-note"):
        assert page.locator(hidden).first.is_hidden(), hidden
    assert page.locator(".copies-note").inner_text() == "（本协议一式三份）"
    pdf = page.pdf(prefer_css_page_size=True)
    box = [float(n) for n in re.search(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", pdf).groups()]
    assert abs(box[0] - 595.3) < 2 and abs(box[1] - 841.9) < 2  # A4 in points


def test_print_a_blank_copy_leaves_the_typed_values_in_the_form(page, ag_url):
    open_form(page, ag_url)
    fill_valid(page)
    page.evaluate("window.print = () => { window.__printed = document.querySelector('[data-field=wife_name]')"
                  ".textContent; window.dispatchEvent(new Event('afterprint')); }")
    page.get_by_role("button", name="打印空白文本").click()
    assert page.evaluate("window.__printed") == "\u3000" * 4
    assert blank(page, "wife_name").inner_text() == "李梅"


def download_docx(page, tmp_path, button="下载填好的DOCX"):
    with page.expect_download() as info:
        page.get_by_role("button", name=button).click()
    target = tmp_path / info.value.suggested_filename
    info.value.save_as(target)
    return target


def test_filled_docx_is_made_in_the_browser_with_the_typed_values(page, ag_url, tmp_path):
    open_form(page, ag_url)
    fill_valid(page)
    path = download_docx(page, tmp_path)
    assert path.name == f"{SLUG}-filled.docx"
    document = docx.Document(str(path))
    assert [r.text for r in blank_runs(document)[:len(ZH_BLANKS)]] == [
        "三", "李梅", "王强", "2", "1200.50", "结扎手术", "2013年5月1日"]
    text = docx_text(document)
    assert "☑ 同意接受计划生育随访服务" in text and "（本协议一式三份）" in text
    assert abs(document.sections[0].top_margin - Mm(37)) < Mm(0.1)
    with zipfile.ZipFile(path) as z:
        assert z.testzip() is None
        assert [i.filename for i in z.infolist()][0] == "[Content_Types].xml"


def test_filled_docx_in_english_keeps_blanks_for_empty_fields(page, ag_url, tmp_path):
    open_form(page, ag_url, "en")
    page.fill("#f-wife_name", "Li Mei")
    page.fill("#f-husband_name", "Wang Qiang")
    page.fill("#f-start_date", "2013-05-01")
    document = docx.Document(str(download_docx(page, tmp_path, "Download filled DOCX")))
    runs = {r.text for r in blank_runs(document)}
    assert {"Li Mei", "Wang Qiang", "1 May 2013", "\u3000" * 3} <= runs
    assert "Double Pledge Agreement (test)" in docx_text(document)


def test_hostile_values_stay_inert_text_within_the_layout(page, ag_url, tmp_path):
    dialogs, requests = [], []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.on("request", lambda r: requests.append(r.url))
    open_form(page, ag_url)
    fill_valid(page)
    page.fill("#f-wife_name", HOSTILE_HTML)
    page.fill("#f-husband_name", HOSTILE_FORMULA)
    page.fill("#f-group", HOSTILE_LONG)
    doc = page.locator("#agreement-doc")
    assert blank(page, "wife_name").inner_text() == HOSTILE_HTML
    assert blank(page, "husband_name").inner_text() == HOSTILE_FORMULA
    assert blank(page, "group").inner_text() == HOSTILE_LONG
    assert doc.locator("img").count() == 0
    fits = "e => e.scrollWidth <= e.clientWidth && e.getBoundingClientRect().right <= innerWidth"
    assert doc.evaluate(fits)
    page.emulate_media(media="print")
    assert doc.evaluate(fits)
    assert blank(page, "wife_name").inner_text() == HOSTILE_HTML
    page.emulate_media(media="screen")
    path = download_docx(page, tmp_path)
    texts = [r.text for r in blank_runs(docx.Document(str(path)))]
    assert HOSTILE_HTML in texts and HOSTILE_FORMULA in texts and HOSTILE_LONG in texts
    with zipfile.ZipFile(path) as z:
        xml = z.read("word/document.xml").decode()
    assert "&lt;img src=x onerror=alert(1)&gt;" in xml and "<img" not in xml
    assert not dialogs
    origin = ag_url + "/"
    assert all(u.startswith(origin) or u.startswith(("blob:", "data:")) for u in requests), requests
    assert not any("%E6%9D%8E" in u or "onerror" in u or "calc" in u for u in requests), requests


def test_site_search_still_works_where_forms_may_not_submit(page, ag_url):
    open_form(page, ag_url)
    page.fill("#site-search", "协议")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/search\.html\?q="))
    assert "q=%E5%8D%8F%E8%AE%AE" in page.url


@pytest.mark.parametrize("path", [f"agreements/{SLUG}.html", f"en/agreements/{SLUG}.html",
                                  "agreements/index.html", "en/agreements/index.html"])
def test_agreement_pages_have_no_axe_violations(page, ag_url, path):
    from axe_playwright_python.sync_playwright import Axe

    page.goto(f"{ag_url}/{path}")
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()
