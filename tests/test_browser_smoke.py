"""Real Chromium: the home page loads and the language switch lands on the translation."""


def test_home_loads_and_language_switch_works(page, base_url):
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(f"{base_url}/index.html")
    assert page.locator("html").get_attribute("lang") == "zh-CN"
    assert page.locator("h2#home-news").inner_text() == "新闻动态"
    page.get_by_role("link", name="湖北人口计生代表团来粤考察交流").first.click()
    page.wait_for_url("**/news/hubei-delegation-visits-guangdong.html")
    page.locator("nav.lang-switch a").click()
    page.wait_for_url("**/en/news/hubei-delegation-visits-guangdong.html")
    assert page.locator("html").get_attribute("lang") == "en"
    assert "Hubei" in page.locator("h1").inner_text()
    page.locator("nav.lang-switch a").click()
    page.wait_for_url("**/news/hubei-delegation-visits-guangdong.html")
    assert page.locator("html").get_attribute("lang") == "zh-CN"
    assert not errors


def test_text_size_preference_persists_across_pages(page, base_url):
    page.goto(f"{base_url}/index.html")
    page.get_by_role("button", name="大字号").click()
    assert "pref-large" in page.locator("html").get_attribute("class")
    page.goto(f"{base_url}/en/index.html")
    assert "pref-large" in page.locator("html").get_attribute("class")
    assert page.get_by_role("button", name="Larger text").get_attribute("aria-pressed") == "true"
