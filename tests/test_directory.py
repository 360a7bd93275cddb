"""The service-point directory: every point published everywhere, filters with and without JavaScript,
"open now" in Beijing time, open data that reads back, JSON-LD, and bad data that stops the build."""
from __future__ import annotations

import csv
import hashlib
import json
import shutil
from pathlib import Path

import pytest
import yaml
from conftest import ROOT, build, copy_content, parse_html, served
from lxml import html as lxml_html

from gongkai.directory.model import load_directory
from gongkai.problems import ProblemLog

# Two regions, five points: every kind of hours, a point without coordinates, markup in a value.
FIXTURE = {
    "a-north.yaml": {
        "region": {"id": "north", "name": {"zh": "北区", "en": "North District"}},
        "points": [
            {"id": "north-station", "name": {"zh": "北区计划生育服务站", "en": "North Family Planning Station"},
             "kind": "service_station", "district": {"zh": "东街道", "en": "East Sub-district"},
             "address": {"zh": "北区人民路1号", "en": "1 Renmin Road, North District"},
             "phone": "0595-85612345", "hours": "Mo-Fr 08:30-12:00,14:30-17:30",
             "services": ["contraceptives", "consultation"], "geo": {"lat": 24.8145, "lon": 118.5786},
             "updated": "2024-03-01", "sample": True},
            {"id": "north-supply", "name": {"zh": "北区免费药具发放点", "en": "North Contraceptive Supply Point"},
             "kind": "supply_point", "address": {"zh": "北区车站路8号", "en": "8 Station Road, North District"},
             "phone": "12356", "hours": "Mo-Su 08:00-21:00", "services": ["contraceptives"],
             "geo": {"lat": 24.80, "lon": 118.56}, "updated": "2024-03-02"},
            {"id": "north-night", "name": {"zh": "北区流动人口服务点", "en": "North Migrant Service Point"},
             "kind": "migrant_point", "address": {"zh": "北区工业园3号", "en": "3 Industrial Park, North District"},
             "phone": "13812345678", "hours": "Mo-Fr 12:00-13:30,17:30-20:00; Sa 14:00-17:00",
             "services": ["migrant_certificate", "consultation"], "updated": "2024-03-03"},
        ],
    },
    "b-south.yaml": {
        "region": {"id": "south", "name": {"zh": "南区", "en": "South District"}},
        "points": [
            {"id": "south-association", "name": {"zh": "南区计划生育协会", "en": "South Family Planning Association"},
             "kind": "association", "address": {"zh": "南区文化宫", "en": "Culture Palace, South District"},
             "phone": "020-87303130", "hours": "Sa-Su 09:00-12:00", "services": ["health_education"],
             "geo": {"lat": 23.1376, "lon": 113.2953}, "updated": "2024-04-01"},
            {"id": "south-supply", "name": {"zh": "南区药具超市", "en": "South <b>Supply</b> & Co"},
             "kind": "supply_point",
             "address": {"zh": "南区海港路12号", "en": "12 Harbour Road </script><script>alert(1)</script>"},
             "phone": "0760-85591326", "hours": "Mo-Fr 09:00-17:00",
             "services": ["contraceptives", "health_education"], "geo": {"lat": 22.5371, "lon": 113.4482},
             "updated": "2024-04-02"},
        ],
    },
}
POINTS = {p["id"]: dict(p, region=data["region"]) for data in FIXTURE.values() for p in data["points"]}
EN = {pid: p["name"]["en"] for pid, p in POINTS.items()}


def write_fixture(content: Path) -> None:
    folder = content / "directory"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir()
    for name, data in FIXTURE.items():
        (folder / name).write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


@pytest.fixture(scope="module")
def dir_site(tmp_path_factory) -> Path:
    """The sample portal with the fixture directory instead of the sample one."""
    root = tmp_path_factory.mktemp("directory")
    content = copy_content(root)
    write_fixture(content)
    out = root / "output"
    result = build(content, out)
    assert result.returncode == 0, result.stderr
    return out


@pytest.fixture(scope="module")
def dir_url(dir_site):
    with served(dir_site) as url:
        yield url




def lang_dir(site: Path, lang: str) -> Path:
    return site / "directory" if lang == "zh" else site / "en" / "directory"


def listed_ids(tree) -> list[str]:
    return [href.rsplit("/", 1)[1].removesuffix(".html") for href in tree.xpath(".//li[@data-point]//h3/a/@href")]


# --- counts in = counts out -------------------------------------------------------------------------

def yaml_ids(folder: Path) -> list[str]:
    return [p["id"] for f in sorted(folder.glob("*.yaml")) for p in yaml.safe_load(f.read_text("utf-8"))["points"]]


@pytest.mark.parametrize("which", ["fixture", "sample"])
def test_every_point_is_published_everywhere(request, which):
    site = request.getfixturevalue("dir_site" if which == "fixture" else "site")
    ids = list(POINTS) if which == "fixture" else yaml_ids(ROOT / "content/directory")
    assert ids and len(ids) == len(set(ids))
    for lang in ("zh", "en"):
        folder = lang_dir(site, lang)
        for pid in ids:
            assert parse_html(folder / f"{pid}.html").xpath("//h1"), f"{lang} page of {pid}"
        assert listed_ids(parse_html(folder / "index.html")) == ids
        with (folder / "points.csv").open(encoding="utf-8-sig", newline="") as fh:
            assert [row["id"] for row in csv.DictReader(fh)] == ids
        assert [p["id"] for p in json.loads((folder / "points.json").read_text("utf-8"))["points"]] == ids
        assert [f["id"] for f in json.loads((folder / "points.geojson").read_text("utf-8"))["features"]] == ids


def test_home_page_links_each_region_section(dir_site):
    links = parse_html(dir_site / "en/index.html").xpath("//section[@aria-labelledby='home-services']//li/a")
    assert [(a.text, a.get("href")) for a in links] == [
        ("North District", "/en/directory/index.html#region-north"),
        ("South District", "/en/directory/index.html#region-south")]
    index = parse_html(dir_site / "en/directory/index.html")
    assert listed_ids(index.xpath("//section[@id='region-north']")[0]) == ["north-station", "north-supply",
                                                                            "north-night"]


# --- filters without JavaScript ---------------------------------------------------------------------

def expected_facets() -> dict[str, list[str]]:
    facets: dict[str, list[str]] = {}
    for pid, p in POINTS.items():
        facets.setdefault(f"region/{p['region']['id']}", []).append(pid)
        facets.setdefault(f"kind/{p['kind']}", []).append(pid)
        for service in p["services"]:
            facets.setdefault(f"service/{service}", []).append(pid)
    return facets


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_prebuilt_filter_pages_hold_exactly_their_points(dir_site, lang):
    folder = lang_dir(dir_site, lang)
    facets = expected_facets()
    built = {str(p.relative_to(folder).with_suffix("")) for p in folder.glob("*/*.html")}
    assert built == set(facets)
    index_links = set(parse_html(folder / "index.html").xpath("//nav[contains(@class, 'facet-links')]//a/@href"))
    for facet, ids in facets.items():
        assert listed_ids(parse_html(folder / f"{facet}.html")) == ids, facet
        assert any(href.endswith(f"directory/{facet}.html") for href in index_links), facet


def test_filter_links_work_in_a_browser_without_javascript(page_nojs, dir_url):
    page_nojs.goto(f"{dir_url}/en/directory/index.html")
    assert not page_nojs.locator("form[data-dir-filters]").is_visible()
    assert page_nojs.locator("li[data-point]").count() == len(POINTS)
    page_nojs.get_by_role("link", name="Free contraceptive supply point").click()
    page_nojs.wait_for_url("**/en/directory/kind/supply_point.html")
    assert page_nojs.locator("li[data-point] h3").all_inner_texts() == [EN["north-supply"], EN["south-supply"]]
    assert "2 service points" in page_nojs.locator("[data-dir-count]").inner_text()


# --- filters with JavaScript ------------------------------------------------------------------------

def visible_names(page) -> list[str]:
    return page.locator("li[data-point]:visible h3").all_inner_texts()


def test_javascript_filters_in_place_and_keeps_state_in_the_url(page, dir_url):
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text) if "Content Security Policy" in msg.text else None)
    page.goto(f"{dir_url}/en/directory/index.html")
    count = page.locator("[data-dir-count]")
    assert count.get_attribute("aria-live") == "polite"
    assert not page.locator("[data-filter-links]").is_visible()
    page.get_by_label("Kind", exact=True).select_option("supply_point")
    assert visible_names(page) == [EN["north-supply"], EN["south-supply"]]
    assert count.inner_text() == "2 of 5 service points"
    assert "kind=supply_point" in page.url
    page.get_by_label("Region", exact=True).select_option("south")
    assert visible_names(page) == [EN["south-supply"]]
    assert not page.locator("#region-north").is_visible()
    assert "region=south" in page.url
    page.get_by_role("button", name="Clear filters").click()
    assert len(visible_names(page)) == 5 and count.inner_text() == "5 service points"
    page.get_by_label("Service", exact=True).select_option("health_education")
    assert visible_names(page) == [EN["south-association"], EN["south-supply"]]
    page.get_by_role("button", name="Clear filters").click()
    page.get_by_label("Name or address", exact=True).fill("harbour")
    assert visible_names(page) == [EN["south-supply"]]
    page.get_by_label("Name or address", exact=True).fill("人民路")  # the other language's address matches too
    assert visible_names(page) == [EN["north-station"]]
    page.get_by_label("Name or address", exact=True).fill("no such place")
    assert visible_names(page) == [] and page.locator("[data-dir-empty]").is_visible()
    assert count.inner_text() == "0 of 5 service points"
    assert "q=no+such+place" in page.url
    assert not errors


def test_filter_state_is_restored_from_the_url(page, dir_url):
    page.goto(f"{dir_url}/directory/index.html?service=consultation&region=north&q=%E6%B5%81%E5%8A%A8")
    assert page.get_by_label("服务项目", exact=True).input_value() == "consultation"
    assert visible_names(page) == ["北区流动人口服务点"]
    assert page.locator("[data-dir-count]").inner_text() == "共 5 个服务网点，显示 1 个"


# --- "open now", in Beijing time whatever the visitor's time zone -------------------------------------

# Monday 2024-05-06 10:00 in Beijing is 02:00 UTC (and Sunday evening in Los Angeles).
MONDAY_10 = "2024-05-06T02:00:00Z"
SATURDAY_15 = "2024-05-11T07:00:00Z"
FRIDAY_18 = "2024-05-10T10:00:00Z"


@pytest.fixture
def far_page(browser):
    context = browser.new_context(locale="en-US", timezone_id="America/Los_Angeles")
    yield context.new_page()
    context.close()


def statuses(page) -> dict[str, str]:
    return dict(zip(page.locator("li[data-point] h3").all_inner_texts(),
                    page.locator("li[data-point] [data-open-status]").all_inner_texts()))


@pytest.mark.parametrize("when,expected", [
    (MONDAY_10, {"north-station": "Open now, until 12:00", "north-supply": "Open now, until 21:00",
                 "north-night": "Closed now; opens today at 12:00",
                 "south-association": "Closed now; opens Saturday at 09:00",
                 "south-supply": "Open now, until 17:00"}),
    (SATURDAY_15, {"north-station": "Closed now; opens Monday at 08:30", "north-supply": "Open now, until 21:00",
                   "north-night": "Open now, until 17:00", "south-association": "Closed now; opens tomorrow at 09:00",
                   "south-supply": "Closed now; opens Monday at 09:00"}),
    (FRIDAY_18, {"north-station": "Closed now; opens Monday at 08:30", "north-supply": "Open now, until 21:00",
                 "north-night": "Open now, until 20:00", "south-association": "Closed now; opens tomorrow at 09:00",
                 "south-supply": "Closed now; opens Monday at 09:00"}),
], ids=["monday-10", "saturday-15", "friday-18"])
def test_open_now_uses_beijing_time(far_page, dir_url, when, expected):
    far_page.clock.set_fixed_time(when)
    far_page.goto(f"{dir_url}/en/directory/index.html")
    assert statuses(far_page) == {EN[pid]: text for pid, text in expected.items()}
    far_page.get_by_label("Open now", exact=True).check()
    opened = [EN[pid] for pid, text in expected.items() if text.startswith("Open now")]
    assert visible_names(far_page) == opened
    assert "open=1" in far_page.url


def test_open_now_on_a_point_page_and_what_it_cannot_know(page, dir_url):
    page.clock.set_fixed_time(MONDAY_10)
    page.goto(f"{dir_url}/directory/north-night.html")
    assert page.locator("[data-open-status]").inner_text() == "现在休息，今天 12:00 开放"
    note = page.locator(".hours-note").inner_text()
    assert "北京时间" in note and "节假日" in note and "临时" in note


# --- point pages and JSON-LD ------------------------------------------------------------------------

def json_ld(tree) -> dict:
    scripts = tree.xpath("//script[@type='application/ld+json']")
    assert len(scripts) == 1
    return json.loads(scripts[0].text)


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("pid", sorted(POINTS))
def test_point_page_and_its_json_ld(dir_site, lang, pid):
    p = POINTS[pid]
    raw = (lang_dir(dir_site, lang) / f"{pid}.html").read_text("utf-8")
    tree = lxml_html.fromstring(raw)
    assert tree.xpath("string(//h1)") == p["name"][lang]
    assert tree.xpath("//main//a[starts-with(@href, 'tel:')]/@href") == [f"tel:{p['phone']}"]
    assert bool(tree.xpath("//*[contains(@class, 'sample-notice')]")) == bool(p.get("sample"))
    geo = tree.xpath("//a[starts-with(@href, 'geo:')]/@href")
    assert geo == ([f"geo:{p['geo']['lat']},{p['geo']['lon']}"] if "geo" in p else [])
    assert tree.xpath("//time/@datetime") == [p["updated"]]
    data = json_ld(tree)
    script_text = raw.split('<script type="application/ld+json">', 1)[1].split("</script>", 1)[0]
    assert "</" not in script_text and "<" not in script_text
    assert data["@type"] == "GovernmentOffice"
    assert data["name"] == p["name"][lang]
    assert data["telephone"] == p["phone"]
    assert data["address"]["@type"] == "PostalAddress" and data["address"]["streetAddress"] == p["address"][lang]
    assert data["areaServed"]["name"] == p["region"]["name"][lang]
    if "geo" in p:
        assert data["geo"] == {"@type": "GeoCoordinates", "latitude": p["geo"]["lat"], "longitude": p["geo"]["lon"]}
    else:
        assert "geo" not in data
    for spec in data["openingHoursSpecification"]:
        assert spec["@type"] == "OpeningHoursSpecification" and spec["dayOfWeek"].startswith("https://schema.org/")
        assert spec["opens"] < spec["closes"]


def test_point_page_states_hours_and_services_in_words(dir_site):
    zh = parse_html(dir_site / "directory/north-night.html")
    assert zh.xpath("//ul[@class='hours']/li/text()") == ["周一至周五 12:00–13:30、17:30–20:00", "周六 14:00–17:00",
                                                          "周日休息"]
    assert zh.xpath("//ul[@class='services']/li/text()") == ["流动人口婚育证明", "政策咨询"]
    en = parse_html(dir_site / "en/directory/south-association.html")
    assert en.xpath("//ul[@class='hours']/li/text()") == ["Saturday and Sunday 09:00–12:00",
                                                          "Closed on Monday to Friday"]


def test_markup_in_data_is_shown_as_text(dir_site):
    tree = parse_html(dir_site / "en/directory/south-supply.html")
    assert not tree.xpath("//main//b")
    assert not tree.xpath("//script[contains(., 'alert')][not(@type='application/ld+json')]")
    assert tree.xpath("string(//h1)") == "South <b>Supply</b> & Co"


# --- open data --------------------------------------------------------------------------------------

def csv_value(p: dict, column: str, lang: str) -> str:
    if column.startswith("region_"):
        value = p["region"][column.removeprefix("region_")]
    elif column in ("lat", "lon"):
        value = p.get("geo", {}).get(column, "")
    else:
        value = p.get(column, "")
    if isinstance(value, dict):
        return value[lang]
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ";".join(value)
    return str(value)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_csv_reads_back_as_the_data(dir_site, lang):
    path = lang_dir(dir_site, lang) / "points.csv"
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    with path.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert [r["id"] for r in rows] == list(POINTS)
    for row in rows:
        p = POINTS[row["id"]]
        for column in ("region_id", "region_name", "name", "district", "address", "kind", "phone", "hours",
                       "services", "lat", "lon", "updated"):
            assert row[column] == csv_value(p, column, lang), (row["id"], column)
        assert row["sample"] == ("true" if p.get("sample") else "false")
        assert row["url"].endswith(("/" if lang == "zh" else "/en/") + f"directory/{p['id']}.html")
    supply = next(r for r in rows if r["id"] == "south-supply")
    assert supply["services_label"] == ("免费避孕药具;健康教育" if lang == "zh" else "Free contraceptives;Health education")


def test_json_and_geojson_are_typed_and_geojson_is_lon_lat(dir_site):
    data = json.loads((dir_site / "en/directory/points.json").read_text("utf-8"))
    assert data["count"] == len(POINTS)
    first = data["points"][0]
    assert first["services"] == ["contraceptives", "consultation"] and first["sample"] is True
    assert first["lat"] == 24.8145
    geo = json.loads((dir_site / "en/directory/points.geojson").read_text("utf-8"))
    assert geo["type"] == "FeatureCollection"
    for feature in geo["features"]:
        p = POINTS[feature["id"]]
        assert feature["type"] == "Feature"
        if "geo" in p:
            assert feature["geometry"] == {"type": "Point", "coordinates": [p["geo"]["lon"], p["geo"]["lat"]]}
        else:
            assert feature["geometry"] is None
        assert feature["properties"]["name"] == p["name"]["en"]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_exports_are_linked_with_format_and_size(dir_site, lang):
    folder = lang_dir(dir_site, lang)
    tree = parse_html(folder / "index.html")
    for name, fmt in (("points.csv", "CSV"), ("points.json", "JSON"), ("points.geojson", "GeoJSON")):
        link = tree.xpath(f"//section[contains(@class, 'open-data')]//a[substring(@href, string-length(@href) - "
                          f"{len(name) - 1}) = '{name}']")
        assert link and link[0].text == fmt, name
        size = link[0].getparent().xpath("string(span[@class='size'])")
        assert size == f"{(folder / name).stat().st_size / 1024:.1f} KB", name


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_data_dictionary_describes_every_column(dir_site, lang):
    folder = lang_dir(dir_site, lang)
    with (folder / "points.csv").open(encoding="utf-8-sig", newline="") as fh:
        header = next(csv.reader(fh))
    tree = parse_html(folder / "data-dictionary.html")
    assert tree.xpath("(//table[@class='dictionary'])[1]/tbody/tr/th/code/text()") == header
    meanings = " ".join(tree.xpath("(//table[@class='dictionary'])[1]/tbody/tr/td[1]//text()"))
    for label in (("电话", "开放时间", "服务项目", "纬度") if lang == "zh" else
                  ("Phone", "Opening hours", "Services", "Latitude")):
        assert label in meanings
    codes = tree.xpath("//h2[@id='values-services']/following-sibling::table[1]//th/code/text()")
    assert "contraceptives" in codes and "migrant_certificate" in codes


def test_directory_pages_are_in_the_sitemap(dir_site):
    sitemap = (dir_site / "sitemap.xml").read_text("utf-8")
    for path in ("directory/index.html", "en/directory/data-dictionary.html", "directory/kind/supply_point.html",
                 "en/directory/south-supply.html", "directory/region/north.html"):
        assert f"/{path}</loc>" in sitemap, path


def test_loader_keeps_file_order_without_building(tmp_path):
    write_fixture(tmp_path)
    log = ProblemLog()
    directory = load_directory(str(tmp_path), log)
    assert not log
    assert [r.id for r in directory.regions] == ["north", "south"]
    assert [p.id for p in directory.points] == list(POINTS)
    assert directory.points[0].schedule["Mo"] == [("08:30", "12:00"), ("14:30", "17:30")]


# --- accessibility ----------------------------------------------------------------------------------

@pytest.mark.parametrize("path", ["directory/index.html", "en/directory/index.html", "directory/kind/supply_point.html",
                                  "en/directory/north-station.html", "directory/data-dictionary.html"])
def test_directory_pages_have_no_axe_violations(page, dir_url, path):
    from axe_playwright_python.sync_playwright import Axe

    page.goto(f"{dir_url}/{path}")
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()


# --- bad data stops the build -----------------------------------------------------------------------

GOOD_POINT = """\
region:
  id: broken
  name: {zh: 测试区, en: Test District}
points:
  - id: broken-point
    name: {zh: 测试服务站, en: Test Station}
    kind: service_station
    address: {zh: 测试路1号, en: 1 Test Road}
    phone: 0595-85612345
    hours: Mo-Fr 08:30-12:00,14:30-17:30
    services: [contraceptives, consultation]
    geo: {lat: 24.81, lon: 118.57}
    updated: 2024-01-01
"""


def broken(old: str, new: str) -> str:
    assert old in GOOD_POINT
    return GOOD_POINT.replace(old, new)


# (name, {file under content/directory: text}, the file named, its line, the field path, words of the reason)
BROKEN = [
    ("duplicate point id", {"zz-a.yaml": GOOD_POINT, "zz-b.yaml": broken("id: broken\n", "id: other\n")},
     "zz-b.yaml", 5, "points[0].id", "point id 'broken-point' is already used by"),
    ("unknown service", {"zz-a.yaml": broken("[contraceptives, consultation]", "[contraceptives, condoms]")},
     "zz-a.yaml", 11, "points[0].services[1]", "found 'condoms'"),
    ("unknown kind", {"zz-a.yaml": broken("kind: service_station", "kind: service_statoin")},
     "zz-a.yaml", 7, "points[0].kind", "did you mean 'service_station'"),
    ("malformed hours", {"zz-a.yaml": broken("Mo-Fr 08:30-12:00,14:30-17:30", "Mon-Fri 8:30-12:00")},
     "zz-a.yaml", 10, "points[0].hours", "is not like 'Mo-Fr 08:30-12:00,14:30-17:30'"),
    ("outside China", {"zz-a.yaml": broken("{lat: 24.81, lon: 118.57}", "{lat: 48.85, lon: 2.35}")},
     "zz-a.yaml", 12, "points[0].geo", "outside China"),
    ("lat and lon swapped", {"zz-a.yaml": broken("{lat: 24.81, lon: 118.57}", "{lat: 118.57, lon: 24.81}")},
     "zz-a.yaml", 12, "points[0].geo", "look swapped"),
    ("not a phone number", {"zz-a.yaml": broken("0595-85612345", "call the office")},
     "zz-a.yaml", 9, "points[0].phone", "is not a phone number"),
    ("duplicate region id", {"zz-a.yaml": GOOD_POINT, "zz-b.yaml": broken("broken-point", "other-point")},
     "zz-b.yaml", 2, "region.id", "region id 'broken' is already used by"),
    ("reserved id", {"zz-a.yaml": broken("id: broken-point", "id: index")},
     "zz-a.yaml", 5, "points[0].id", "is the name of a directory page"),
    ("wrong extension", {"zz-a.yml": GOOD_POINT}, "zz-a.yml", 1, "-", "only .yaml files"),
    ("yaml syntax", {"zz-a.yaml": broken("name: {zh: 测试服务站, en: Test Station}", "name: {zh: 测试")},
     "zz-a.yaml", 7, "-", "YAML syntax error"),
]


@pytest.mark.parametrize("name,files,culprit,line,field,reason", BROKEN, ids=[b[0] for b in BROKEN])
def test_bad_directory_data_stops_the_build(tmp_path, name, files, culprit, line, field, reason):
    content = copy_content(tmp_path)
    for file_name, text in files.items():
        (content / "directory" / file_name).write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    result = build(content, out)
    assert result.returncode != 0
    where = f"directory/{culprit}:{line}: {field}:"
    lines = [line for line in result.stderr.splitlines() if where in line]
    assert lines, f"expected '{where}' in:\n{result.stderr}"
    assert reason in lines[0]
    assert not out.exists() and not (tmp_path / "out.building").exists()


def tree_digest(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_bad_directory_data_leaves_the_previous_site_untouched(tmp_path):
    content = copy_content(tmp_path)
    write_fixture(content)
    out = tmp_path / "out"
    assert build(content, out).returncode == 0
    before = tree_digest(out)
    path = content / "directory/a-north.yaml"
    path.write_text(path.read_text("utf-8").replace("phone: '12356'", "phone: twelve"), encoding="utf-8")
    result = build(content, out)
    assert result.returncode != 0 and "points[1].phone" in result.stderr
    assert tree_digest(out) == before
