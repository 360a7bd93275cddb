"""The legacy importer against the sample pages, hostile pages and layouts it has not seen."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

import pytest

from conftest import ROOT, SHARED  # noqa: E402

SAMPLES = SHARED / "samples" / "legacy"
SCRIPT = ROOT / "scripts" / "import_legacy.py"
sys.path.insert(0, str(ROOT / "plugins"))

from gongkai import sanitize  # noqa: E402
from gongkai.legacy import ImportOptions, import_sources  # noqa: E402
from gongkai.legacy import run as legacy_run  # noqa: E402
from gongkai.legacy.decode import decode  # noqa: E402
from gongkai.legacy.write import escape  # noqa: E402
from gongkai.problems import ProblemLog  # noqa: E402
from gongkai.redirects import legacy_path, nginx_map, redirect_page, redirect_pairs  # noqa: E402
from gongkai.schema import Where  # noqa: E402
from gongkai.types import BY_NAME, type_for_path  # noqa: E402
from gongkai.yamlsource import load, split_front_matter  # noqa: E402

EXPECTED = sorted(SAMPLES.glob("*.expected.json"))


def test_the_sample_pages_are_there():
    """Without the samples the parametrised checks would silently run zero cases."""
    assert len(EXPECTED) == 12, f"expected the 12 legacy samples in {SAMPLES}"


def run_import(*sources: Path, out: Path, **options):
    docs, _ = import_sources(ImportOptions(tuple(sources), out, jobs=1, **options))
    return {Path(d.path).name: d for d in docs}


def snapshot(folder: Path) -> dict:
    return {p.relative_to(folder).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns)
            for p in sorted(folder.rglob("*")) if p.is_file()}


def cli(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(SCRIPT), *args], cwd=cwd, capture_output=True, text=True,
                          timeout=300)


def basename(url: str) -> str:
    return PurePosixPath(unquote(urlsplit(url).path)).name


@pytest.fixture(scope="module")
def samples(tmp_path_factory):
    out = tmp_path_factory.mktemp("samples") / "content"
    return out, run_import(SAMPLES, out=out)


# -- the sample set, as the README's "Suggested checks" say ---------------------------------------

@pytest.mark.parametrize("expected_file", EXPECTED, ids=lambda p: p.name.removesuffix(".expected.json"))
def test_sample_page(expected_file, samples):
    exp = json.loads(expected_file.read_text(encoding="utf-8"))
    out, docs = samples
    doc = docs[exp["file"]]
    if exp["kind"] == "skip":
        assert doc.status == "skipped", (doc.status, doc.reason)
        assert doc.reason and doc.output is None
        return
    data = (SAMPLES / exp["file"]).read_bytes()
    decoded = decode(data)
    assert decoded.text == data.decode("utf-8-sig" if exp["bom"] else exp["encoding"])
    assert decoded.declared == exp["declared_charset"]
    assert data.decode(doc.encoding) == data.decode(exp["encoding"])
    if exp["duplicate_of"]:
        assert (doc.status, Path(doc.duplicate_of).name, doc.output) == ("duplicate", exp["duplicate_of"], None)
        original = docs[exp["duplicate_of"]]
        markdown = (out / original.output).read_text(encoding="utf-8")
    else:
        assert doc.status == "imported", doc.reason
        assert doc.duplicate_of is None
        markdown = (out / doc.output).read_text(encoding="utf-8")
    assert doc.kind == ("policy" if exp["doc_number"] else "news")
    assert doc.title == exp["title"]
    assert f"{doc.date:%Y-%m-%d}" == exp["date"]
    assert doc.time == exp["time"]
    assert doc.source == exp["source"]
    assert list(doc.authors) == exp["authors"]
    assert list(doc.photographers) == exp["photographers"]
    assert doc.doc_number == exp["doc_number"]
    assert list(doc.issuers) == ([exp["issuer"]] if exp["issuer"] else [])
    paragraphs = doc.paragraphs
    assert paragraphs[0][:15] == exp["body_first"]
    assert paragraphs[-1][-15:] == exp["body_last"]
    assert len(paragraphs) == exp["paragraphs"]
    assert [{"src_basename": basename(f.src), "caption": f.caption} for f in doc.images] == exp["images"]
    assert [{"href_basename": basename(a.href), "text": a.title} for a in doc.attachments] == exp["attachments"]
    for needle in exp["must_not_contain"]:
        assert needle not in markdown, needle


def test_every_article_is_written_once_and_skips_write_nothing(samples):
    out, docs = samples
    articles = [json.loads(p.read_text(encoding="utf-8")) for p in EXPECTED]
    unique = [e for e in articles if e["kind"] == "article" and not e["duplicate_of"]]
    written = sorted(p.relative_to(out).as_posix() for p in out.rglob("*.md"))
    assert written == sorted(docs[e["file"]].output for e in unique)


def test_written_front_matter_validates_against_the_schema(samples):
    out, _ = samples
    files = sorted(out.rglob("*.md"))
    assert files
    for path in files:
        rel = path.relative_to(out).as_posix()
        yaml_text, first_line, body, _ = split_front_matter(path.read_text(encoding="utf-8"))
        assert yaml_text is not None, rel
        located = load(yaml_text, first_line=first_line)
        log = ProblemLog()
        ctype = type_for_path(rel)
        ctype.schema.validate(located.data, Where(rel, located, log))
        assert not log.items, [str(p) for p in log.items]
        assert list(located.data) == [f.name for f in ctype.schema.fields if f.name in located.data]
        assert path.stem == located.data["slug"]
        assert not sanitize.dangerous_lines(body)


def test_markdown_holds_paragraphs_and_figures_only(samples):
    out, docs = samples
    doc = docs["rkwh_a_xwzx_2012_0428_1123.html"]
    text = (out / doc.output).read_text(encoding="utf-8")
    body = split_front_matter(text)[2]
    assert "孙 为" not in body and "摄影/老运" not in body  # the byline went to the front matter
    assert body.count("![") == 6
    assert "![粤鄂举行流动人口计划生育区域协作座谈会]({static}/images/legacy/legacy/20120428101532281.jpg)" in body
    policy = (out / docs["rkwh_a_tzgg_2012_0305_0947.html"].output).read_text(encoding="utf-8")
    policy_body = split_front_matter(policy)[2]
    assert "粤人文促" not in policy_body and "附件" not in policy_body
    assert "href: files/legacy/legacy/20120305110254310.doc" in policy


def test_second_run_changes_nothing(tmp_path):
    out = tmp_path / "content"
    report = tmp_path / "report.json"
    assert cli(str(SAMPLES), "--out", str(out), "--report", str(report), "--jobs", "1").returncode == 0
    before, first = snapshot(out), json.loads(report.read_text(encoding="utf-8"))
    second = cli(str(SAMPLES), "--out", str(out), "--report", str(report), "--jobs", "2")
    assert second.returncode == 0, second.stderr
    assert snapshot(out) == before
    again = json.loads(report.read_text(encoding="utf-8"))
    assert again["pages"] == first["pages"]
    assert (again["summary"]["files_written"], again["summary"]["files_unchanged"]) == (0, len(before))


def test_edited_output_is_kept_unless_forced(tmp_path):
    page = SAMPLES / "rkwh_a_xwzx_2010_0519_0412.html"
    out = tmp_path / "content"
    doc = run_import(page, out=out)[page.name]
    target = out / doc.output
    target.write_text(target.read_text(encoding="utf-8") + "\n编辑补充的一段。\n", encoding="utf-8")
    edited = target.read_bytes()
    again = run_import(page, out=out)[page.name]
    assert target.read_bytes() == edited
    assert any("kept it" in w for w in again.warnings)
    run_import(page, out=out, force=True)
    assert "编辑补充" not in target.read_text(encoding="utf-8")


def test_namesakes_get_their_own_files(tmp_path):
    """Same title, date and saved-from address, different text: two articles, two slugs."""
    src = tmp_path / "src"
    src.mkdir()
    page = (SAMPLES / "cangshan_wanggehua_saved.htm").read_text(encoding="utf-8")
    for n in range(3):
        (src / f"copy{n}.htm").write_text(page.replace("今年以来", f"今年第{n}季度以来"), encoding="utf-8")
    docs = run_import(src, out=tmp_path / "out")
    outputs = {d.output for d in docs.values()}
    assert len(outputs) == 3 and all(d.status == "imported" for d in docs.values())
    assert len(list((tmp_path / "out").rglob("*.md"))) == 3


def test_parallel_read_gives_the_same_documents(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    page = (SAMPLES / "fjsen_rkjs_2013-09_12_content_12734409.htm").read_text(encoding="utf-8")
    for n in range(legacy_run.PARALLEL_FROM + 2):
        (src / f"p{n:03d}.htm").write_text(page.replace("莆田市", f"莆田市{n}"), encoding="utf-8")
    one = run_import(src, out=tmp_path / "one", dry_run=True)
    docs, _ = import_sources(ImportOptions((src,), tmp_path / "two", jobs=2, dry_run=True))
    assert list(one.values()) == docs
    assert len({d.slug for d in docs}) == len(docs) and all(d.status == "imported" for d in docs)


def test_report_and_summary(tmp_path):
    report = tmp_path / "r.json"
    result = cli(str(SAMPLES), "--out", str(tmp_path / "content"), "--report", str(report), "--dry-run")
    assert result.returncode == 0, result.stderr
    assert not (tmp_path / "content").exists()
    data = json.loads(report.read_text(encoding="utf-8"))
    assert data["summary"]["pages"] == len(EXPECTED)
    assert {k: data["summary"][k] for k in ("imported", "skipped", "duplicate", "failed")} == {
        "imported": 10, "skipped": 1, "duplicate": 1, "failed": 0}
    for entry in data["pages"]:
        assert set(entry) == {"source", "status", "reason", "output", "duplicate_of", "warnings"}
    assert "list/index page" in result.stdout and len(result.stdout.splitlines()) <= 24


@pytest.mark.parametrize("args", [
    ["SRC", "--report", "r.json"],  # no --out
    ["missing", "--out", "out", "--report", "r.json"],
    ["SRC", "--out", "out", "--report", "r.json", "--base-url", "ftp:x"],
    ["SRC", "--out", "out", "--report", "r.json", "--jobs", "0"],
])
def test_bad_arguments_exit_2(args, tmp_path, capsys):
    args = [str(SAMPLES) if a == "SRC" else str(tmp_path / a) if a in ("missing", "out", "r.json") else a
            for a in args]
    with pytest.raises(SystemExit) as exit_:
        legacy_run.main(args)
    assert exit_.value.code == 2
    assert "error:" in capsys.readouterr().err
    assert not (tmp_path / "out").exists() and not (tmp_path / "r.json").exists()


def test_legacy_url_from_base_url_and_saved_from(tmp_path):
    docs = run_import(SAMPLES, out=tmp_path / "c", base_url="http://www.rkwh.org", dry_run=True)
    rkwh, saved = "rkwh_a_xwzx_2012_0428_1123.html", "cangshan_wanggehua_saved.htm"
    assert docs[rkwh].legacy_url == f"http://www.rkwh.org/{rkwh}"
    assert docs[saved].legacy_url == "http://www.fjsen.com/rkjs/2014-03/21/content_13756021.htm"
    page = SAMPLES / "yixiu_xxgk_rkjsj_201204_t20120427_2231.htm"
    assert run_import(page, out=tmp_path / "d", dry_run=True)[page.name].legacy_url == page.name


# -- hostile and broken input -----------------------------------------------------------------------

HOSTILE = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>恶意代码测试通知_某某网</title>
<script>var x = "<p>脚本里的段落，不能出现。</p>";</script><style>p { color: red }</style></head>
<body><h1>恶意代码测试通知</h1>
<div class="info">发布时间：2015-01-02 10:20 来源：测试网</div>
<div id="content">
<p>第一段正文，内容足够长，以便被识别为文章。<script>alert('one')</script></p>
<p onclick="alert(2)">第二段正文，<a href="javascript:alert(3)">点击这里</a>，继续说明情况。</p>
<p><img src="../../../../etc/evil.jpg" onerror="alert(4)"></p>
<iframe src="http://evil.example/"></iframe>
<p>第三段：&lt;script&gt;alert(5)&lt;/script&gt; 以及 *星号* 和 [链接](javascript:alert(6)) 文本，onload=alert(7)。</p>
<p><img src="pics/photo.jpg" onerror="alert(8)" alt=""></p><p align="center">现场照片</p>
<p>第四段正文，附件：<a href="files/报名表.doc">报名表</a>，请下载填写。</p>
<p># 不是标题，- 不是列表，1. 不是编号。</p>
</div></body></html>"""


def hostile_site(folder: Path) -> Path:
    src = folder / "site"
    (src / "news" / "pics").mkdir(parents=True)
    (src / "news" / "files").mkdir()
    (src / "news" / "pics" / "photo.jpg").write_bytes(b"\xff\xd8\xff\xe0 fake jpeg")
    (src / "news" / "files" / "报名表.doc").write_bytes(b"\xd0\xcf\x11\xe0 fake doc")
    (folder / "etc").mkdir()
    (folder / "etc" / "evil.jpg").write_bytes(b"outside SRC")
    (src / "news" / "hostile.html").write_text(HOSTILE, encoding="utf-8")
    return src


def test_hostile_markup_never_reaches_markdown(tmp_path):
    src = hostile_site(tmp_path)
    out = tmp_path / "out"
    doc = run_import(src, out=out)["hostile.html"]
    assert doc.status == "imported", doc.reason
    text = (out / doc.output).read_text(encoding="utf-8")
    body = split_front_matter(text)[2]
    for needle in ("<script", "<iframe", "<style", "onerror", "onclick", "javascript:", "alert('one')",
                   "alert(2)", "alert(3)", "alert(4)", "alert(8)", "evil", "脚本里的段落", "color: red"):
        assert needle not in text, needle
    assert not sanitize.dangerous_lines(body)
    assert "&lt;script>alert(5)&lt;/script>" in body  # page text stays text
    assert "\\*星号\\*" in body and "\\[链接\\]" in body
    assert "\\# 不是标题" in body
    assert doc.paragraphs == ("第一段正文，内容足够长，以便被识别为文章。", "第二段正文，点击这里，继续说明情况。",
                              "第三段：<script>alert(5)</script> 以及 *星号* 和 [链接](javascript:alert(6)) 文本，"
                              "onload=alert(7)。", "第四段正文，附件：报名表，请下载填写。",
                              "# 不是标题，- 不是列表，1. 不是编号。")
    assert any("refused" in w and "evil.jpg" in w for w in doc.warnings)
    assert [(f.target, f.caption) for f in doc.images] == [("images/legacy/site/photo.jpg", "现场照片")]
    assert (out / "images/legacy/site/photo.jpg").read_bytes() == b"\xff\xd8\xff\xe0 fake jpeg"
    assert [(a.target, a.title) for a in doc.attachments] == [("files/legacy/site/报名表.doc", "报名表")]
    assert (out / "files/legacy/site/报名表.doc").exists()
    assert sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*") if p.is_file()) == sorted([
        "etc/evil.jpg", "site/news/hostile.html", "site/news/pics/photo.jpg", "site/news/files/报名表.doc",
        f"out/{doc.output}", "out/images/legacy/site/photo.jpg", "out/files/legacy/site/报名表.doc"])


def test_symlink_inside_out_cannot_lead_writes_outside(tmp_path):
    src = hostile_site(tmp_path)
    out = tmp_path / "out"
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    out.mkdir()
    (out / "images").symlink_to(elsewhere, target_is_directory=True)
    doc = run_import(src, out=out)["hostile.html"]
    assert list(elsewhere.iterdir()) == []
    assert any("not copied" in w and "outside the output folder" in w for w in doc.warnings)


BIG5_PAGE = """<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">
<title>臺灣同胞來訪參觀計劃生育服務站_測試網</title></head><body>
<h2>臺灣同胞來訪參觀計劃生育服務站</h2><p>發佈日期：2010年6月8日</p>
<div class="article"><p>　　六月七日，臺灣同胞訪問團一行二十人來到我縣參觀計劃生育服務站，瞭解優生優育工作的開展情況。</p>
<p>　　訪問團成員對服務站的環境與服務給予高度評價，雙方還就婦幼保健交流進行了座談。</p></div>
</body></html>"""


def test_big5_page_labelled_gb2312(tmp_path):
    data = BIG5_PAGE.encode("big5")
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "big5.htm").write_bytes(data)
    decoded = decode(data)
    assert decoded.text == data.decode("big5")
    assert any("gb2312" in w for w in decoded.warnings)
    doc = run_import(tmp_path / "src", out=tmp_path / "out")["big5.htm"]
    assert doc.status == "imported", doc.reason
    assert doc.traditional and doc.title == "台湾同胞来访参观计划生育服务站"
    assert f"{doc.date}" == "2010-06-08"
    assert doc.paragraphs[1].startswith("访问团成员对服务站的环境与服务给予高度评价")


@pytest.mark.parametrize("declared, codec", [("gbk", "utf-8"), ("utf-8", "gbk"), ("big5", "gb18030"),
                                             ("iso-8859-1", "gbk")])
def test_wrong_meta_charset(declared, codec):
    page = (f'<html><head><meta charset="{declared}"><title>玥·测试</title></head>'
            "<body><p>关于做好流动人口计划生育服务管理工作的通知，各单位认真执行。</p></body></html>")
    data = page.encode(codec)
    assert decode(data).text == data.decode(codec)


def test_bom_and_numeric_references():
    data = "\ufeff<html><body><p>新&#32862;中心</p></body></html>".encode("utf-8")
    decoded = decode(data)
    assert decoded.text == data.decode("utf-8-sig") and decoded.encoding == "utf-8-sig"


def test_broken_files_are_skipped_with_reasons(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    whole = (SAMPLES / "rkwh_a_xwzx_2010_0519_0412.html").read_bytes()
    (src / "a_truncated.html").write_bytes(whole[: len(whole) // 2])
    (src / "b_empty.htm").write_bytes(b"")
    (src / "c_blank.htm").write_bytes(b"  \r\n\t ")
    (src / "d_binary.html").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    (src / "e_ok.html").write_bytes(whole)
    (src / "f_controls.html").write_bytes(whole.replace("活动现场".encode("gb2312"), b"\x01\x1b\x7f"))
    (src / "notes.txt").write_text("not a page")
    docs = run_import(src, out=tmp_path / "out")
    assert sorted(docs) == ["a_truncated.html", "b_empty.htm", "c_blank.htm", "d_binary.html", "e_ok.html",
                            "f_controls.html"]
    assert docs["f_controls.html"].status == "imported", docs["f_controls.html"].reason
    assert (docs["a_truncated.html"].status, "truncated" in docs["a_truncated.html"].reason) == ("skipped", True)
    assert (docs["b_empty.htm"].status, docs["b_empty.htm"].reason) == ("skipped", "empty file")
    assert docs["c_blank.htm"].reason == "empty file (whitespace only)"
    assert (docs["d_binary.html"].status, "binary" in docs["d_binary.html"].reason) == ("skipped", True)
    assert docs["e_ok.html"].status == "imported"


def test_a_failing_page_never_stops_the_run(tmp_path, monkeypatch):
    src = tmp_path / "src"
    src.mkdir()
    for name in ("a.html", "b.html", "c.html"):
        (src / name).write_bytes((SAMPLES / "rkwh_a_xwzx_2011_0916_0861.html").read_bytes().replace(
            "佛山市".encode("gb2312"), name[0].encode()))
    original = legacy_run.find_container

    def explode_on_b(tree):
        if "b南海区" in tree.findtext(".//title"):
            raise RuntimeError("boom on b")
        return original(tree)

    monkeypatch.setattr(legacy_run, "find_container", explode_on_b)
    docs = run_import(src, out=tmp_path / "out")
    assert (docs["b.html"].status, docs["b.html"].reason) == ("failed", "RuntimeError: boom on b")
    assert docs["a.html"].status == docs["c.html"].status == "imported"


def test_failed_page_sets_exit_code_1(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    (src / "good.html").write_bytes((SAMPLES / "rkwh_a_xwzx_2010_0519_0412.html").read_bytes())
    (src / "undated.html").write_text(
        "<html><head><title>没有日期的文章</title></head><body><h1>没有日期的文章</h1><div>"
        "<p>这篇文章写得很完整，有标题也有正文，但是页面上没有任何发布日期。</p></div></body></html>",
        encoding="utf-8")
    report = tmp_path / "r.json"
    result = cli(str(src), "--out", str(tmp_path / "out"), "--report", str(report))
    assert result.returncode == 1, result.stdout + result.stderr
    pages = {Path(p["source"]).name: p for p in json.loads(report.read_text(encoding="utf-8"))["pages"]}
    assert pages["undated.html"]["status"] == "failed" and "no publication date" in pages["undated.html"]["reason"]
    assert pages["good.html"]["status"] == "imported"


# -- layouts not in the sample set ----------------------------------------------------------------

BR_LAYOUT = """<html><head><meta charset="gbk"><title>县计生局开展婚育新风进万家活动 -- 某县人民政府网</title></head>
<body><table><tr><td class="nav"><a href="/">首页</a> | <a href="/xw/">新闻</a></td></tr></table>
<table width="100%"><tr><td width="70%">
<table><tr><td align="center"><font size="4"><b>县计生局开展婚育新风进万家活动</b></font></td></tr>
<tr><td align="center">作者：王小明　发布日期：2009-11-23　浏览次数：328</td></tr>
<tr><td class="wz">　　11月20日，县计生局在城关镇广场开展婚育新风进万家宣传活动，发放宣传资料2000余份。<br><br>
　　活动现场设置了政策咨询台和健康检查点，计生技术人员为群众提供免费检查，受到群众欢迎。<br><br>
<div align="center"><img src="/uploadfile/200911/20091123001.jpg" width="400"></div>
<div align="center">宣传活动现场</div>
　　据悉，此类活动今年已开展12场，覆盖全县所有乡镇。</td></tr></table>
</td><td width="30%" class="side"><b>最新动态</b><br>
<a href="/xw/1.html">县召开人口计生工作会议部署全年工作任务</a><br>
<a href="/xw/2.html">乡镇计生服务站标准化建设通过验收考核</a><br>
<a href="/xw/3.html">开展流动人口计划生育专项清理清查行动</a></td></tr></table>
<div class="foot">版权所有：某县人民政府 技术支持：某某网络公司</div></body></html>"""

INNER_HEADLINE = """<html><head><meta charset="utf-8"><title>市人口计生委</title></head><body>
<div class="a1"><a href="/">首页</a> &gt; <a href="/tz/">通知公告</a></div>
<div class="x9">
  <h3>关于印发《流动人口婚育证明办理规定》的通知</h3>
  <div class="x10">更新时间：2014年2月17日 09:05　　信息来源：市人口计生委办公室</div>
  <p style="text-align:center">市人口计生发[2014]6号</p>
  <p>各区县人口计生局：</p>
  <p>　　现将《流动人口婚育证明办理规定》印发给你们，请认真贯彻执行。</p>
  <figure><img src="/u/cert.png"><figcaption>婚育证明样式</figcaption></figure>
  <p>　　执行中遇到的问题，请及时报告市人口计生委流动人口服务管理处。</p>
  <p align="right">市人口和计划生育委员会</p>
  <p align="right">二〇一四年二月十四日</p>
  <p>附件：<a href="/u/guiding.pdf">办理规定全文</a></p>
</div>
<ul class="x11"><li><a href="/tz/1.html">关于做好春节期间流动人口服务工作的通知</a> 2014-01-20</li></ul>
</body></html>"""

NEWS_LIST = """<html><head><meta charset="utf-8"><title>工作动态</title></head><body>
<div class="main"><ul>""" + "".join(
    f'<li><a href="/dt/{i}.html">第{i}期人口计生工作动态：乡镇服务站建设推进情况通报</a><span>2013-0{i}-01</span></li>'
    for i in range(1, 10)) + """</ul><div>共 9 条 第 1/1 页 上一页 下一页</div></div></body></html>"""


def test_unseen_layouts(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    (src / "br_layout.asp").write_bytes(BR_LAYOUT.encode("gbk"))
    (src / "inner_headline.php").write_text(INNER_HEADLINE, encoding="utf-8")
    (src / "list.jsp").write_text(NEWS_LIST, encoding="utf-8")
    docs = run_import(src, out=tmp_path / "out")

    br = docs["br_layout.asp"]
    assert br.status == "imported", br.reason
    assert (br.title, f"{br.date}", br.authors, br.kind) == ("县计生局开展婚育新风进万家活动", "2009-11-23", ("王小明",), "news")
    assert len(br.paragraphs) == 3 and br.paragraphs[2] == "据悉，此类活动今年已开展12场，覆盖全县所有乡镇。"
    assert [(basename(f.src), f.caption) for f in br.images] == [("20091123001.jpg", "宣传活动现场")]

    inner = docs["inner_headline.php"]
    assert inner.status == "imported", inner.reason
    assert inner.title == "关于印发《流动人口婚育证明办理规定》的通知"
    assert (f"{inner.date}", inner.time, inner.source) == ("2014-02-17", "09:05", "市人口计生委办公室")
    assert (inner.kind, inner.doc_number, inner.issuers) == ("policy", "市人口计生发〔2014〕6号", ("市人口和计划生育委员会",))
    assert f"{inner.written}" == "2014-02-14"
    assert inner.paragraphs == ("各区县人口计生局：", "现将《流动人口婚育证明办理规定》印发给你们，请认真贯彻执行。",
                                "执行中遇到的问题，请及时报告市人口计生委流动人口服务管理处。", "市人口和计划生育委员会",
                                "二〇一四年二月十四日")
    assert [(basename(f.src), f.caption) for f in inner.images] == [("cert.png", "婚育证明样式")]
    assert [(basename(a.href), a.title) for a in inner.attachments] == [("guiding.pdf", "办理规定全文")]

    assert docs["list.jsp"].status == "skipped" and "list/index page" in docs["list.jsp"].reason


# -- escaping and redirects -----------------------------------------------------------------------

def test_escape_keeps_text_inert():
    assert escape("a*b_c`d[e]f{g}h\\i") == "a\\*b\\_c\\`d\\[e\\]f\\{g\\}h\\\\i"
    assert escape("<img src=x onerror=alert(1)>") == "&lt;img src=x onerror&#61;alert(1)>"
    assert escape("&lt; &amp; & B") == "&amp;lt; &amp;amp; & B"
    assert escape("javascript:void(0)") == "javascript&#58;void(0)"
    assert escape("12. 项") == "12\\. 项" and escape("+ 加") == "\\+ 加" and escape("2012.3.1") == "2012.3.1"


class FakeDoc:
    def __init__(self, type_name, slug, legacy_url, lang="zh"):
        self.ctype = BY_NAME[type_name]
        self.values = {"slug": slug, "legacy_url": legacy_url, "lang": lang}


def test_redirect_pairs():
    docs = [FakeDoc("news", "2012-04-28-611615", "http://www.rkwh.org/a/xwzx/2012/0428/1123.html"),
            FakeDoc("policy", "2011-09-05-5a821f", "http://gov.example/show.asp?id=38&t=1"),
            FakeDoc("news", "2013-01-01-aaaaaa", "xxgk/新闻 1.htm"),
            FakeDoc("news", "2013-01-02-bbbbbb", "http://www.rkwh.org/a/xwzx/2012/0428/1123.html"),
            FakeDoc("news", "2013-01-03-cccccc", None)]
    assert redirect_pairs(docs) == [
        ("/a/xwzx/2012/0428/1123.html", "/news/2012-04-28-611615.html"),
        ("/show.asp?id=38&t=1", "/policy/2011-09-05-5a821f.html"),
        ("/xxgk/%E6%96%B0%E9%97%BB%201.htm", "/news/2013-01-01-aaaaaa.html"),
    ]
    assert legacy_path("http://h/a b/c\"d$e.htm") == "/a%20b/c%22d%24e.htm"


def test_nginx_map():
    text = nginx_map([("/a/1.html", "/news/x.html"), ("/show.asp?id=2", "/policy/y.html")])
    assert text.splitlines() == [
        "# Old addresses of the legacy site and the pages they were imported as.",
        "map $request_uri $gongkai_redirect {",
        '    default "";',
        '    "/a/1.html" "/news/x.html";',
        '    "/show.asp?id=2" "/policy/y.html";',
        "}",
    ]
    with pytest.raises(ValueError):
        nginx_map([('/a"; evil', "/news/x.html")])


def test_redirect_page():
    page = redirect_page("/news/2012-04-28-611615.html?a=1&b=2")
    href = "/news/2012-04-28-611615.html?a=1&amp;b=2"
    assert f'<meta http-equiv="refresh" content="0; url={href}">' in page
    assert f'<link rel="canonical" href="{href}">' in page
    assert f'<a href="{href}">' in page
    assert "<script" not in page and page.startswith("<!DOCTYPE html>") and 'lang="zh-CN"' in page
    with pytest.raises(ValueError):
        redirect_page("javascript:alert(1)")
    assert '"><script>' not in redirect_page('/x"><script>alert(1)</script>')


def test_script_runs_from_any_folder(tmp_path):
    result = subprocess.run([sys.executable, str(SCRIPT), "--help"], cwd=tmp_path, capture_output=True,
                            text=True, env={**os.environ, "PYTHONPATH": ""}, timeout=60)
    assert result.returncode == 0 and "--base-url" in result.stdout
