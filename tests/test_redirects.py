"""Old addresses of imported articles keep working: static redirect pages and an nginx map."""
from conftest import build, copy_content


def test_legacy_url_gets_redirect_page_and_map_entries(tmp_path):
    content = copy_content(tmp_path)
    (content / "news/imported.md").write_text(
        "---\ntitle: 导入的文章\nslug: 2012-04-28-abc123\ndate: 2012-04-28\n"
        "legacy_url: http://www.rkwh.org/a/xwzx/2012/0428/1123.html\n---\n正文。\n", encoding="utf-8")
    (content / "news/escape.md").write_text(
        "---\ntitle: 路径越界\nslug: escape-test\ndate: 2012-04-28\n"
        "legacy_url: http://old.example/../../etc/passwd\n---\n正文。\n", encoding="utf-8")
    out = tmp_path / "out"
    result = build(content, out)
    assert result.returncode == 0, result.stderr
    page = (out / "a/xwzx/2012/0428/1123.html").read_text(encoding="utf-8")
    assert 'content="0; url=/news/2012-04-28-abc123.html"' in page
    assert '<a href="/news/2012-04-28-abc123.html">' in page and "<script" not in page
    nginx = (out / "redirects.nginx.map").read_text(encoding="utf-8")
    assert '"/a/xwzx/2012/0428/1123.html" "/news/2012-04-28-abc123.html";' in nginx
    assert "/a/xwzx/2012/0428/1123.html /news/2012-04-28-abc123.html 301" in (out / "_redirects").read_text()
    assert not (tmp_path / "etc").exists() and not any(p.name == "passwd" for p in tmp_path.rglob("passwd"))
