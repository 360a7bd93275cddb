"""Settings for the sample portal (development: relative to http://127.0.0.1:8000)."""
import os
import sys

SITENAME = "人口和计划生育公共服务网"
SITEURL = ""
PATH = "content"
THEME = "theme"
TIMEZONE = "Asia/Shanghai"
DEFAULT_LANG = "zh"
DEFAULT_DATE_FORMAT = "%Y-%m-%d"

# The portal plugin is imported here, not named: Pelican only logs a plugin that
# fails to load and builds a broken site anyway; an import error here stops it.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "plugins"))
import gongkai  # noqa: E402

PLUGINS = [gongkai]

# The portal's own settings, checked by gongkai.settings.PortalSettings.
PORTAL = {
    "site_name": {"zh": "人口和计划生育公共服务网", "en": "Population and Family Planning Public Services"},
    "host_org": {"zh": "示例市人口和计划生育服务中心", "en": "Sample City Population and Family Planning Service Centre"},
    "site_domain": "rkjs.example.gov.cn",
    "site_id_code": "0000000000",
    "icp": "京ICP备00000000号-1",
    "contact_phone": "0000-12356000",
    "contact_email": "service@rkjs.example.gov.cn",
    "contact_address": {"zh": "示例市人民路1号（示例地址）", "en": "1 Renmin Road, Sample City (sample address)"},
    "base_url": "http://127.0.0.1:8000",
    "per_page": 20,
}

# Content folders: one per content type (see plugins/gongkai/types/).
ARTICLE_PATHS = ["news", "policy", "agreements"]
PAGE_PATHS = ["pages"]
STATIC_PATHS = ["images", "files"]
ARTICLE_EXCLUDES = []

ARTICLE_URL = ARTICLE_SAVE_AS = "{url_dir}/{slug}.html"
ARTICLE_LANG_URL = ARTICLE_LANG_SAVE_AS = "{lang}/{url_dir}/{slug}.html"
PAGE_URL = PAGE_SAVE_AS = "{slug}.html"
PAGE_LANG_URL = PAGE_LANG_SAVE_AS = "{lang}/{slug}.html"
# A news item and a policy may share a slug; only the same type translates.
ARTICLE_TRANSLATION_ID = ("type", "slug")

# Home, lists and feeds are written per language by gongkai.portal.
DIRECT_TEMPLATES = []
for _name in ("CATEGORY", "CATEGORIES", "TAG", "TAGS", "AUTHOR", "AUTHORS", "ARCHIVES",
              "YEAR_ARCHIVE", "MONTH_ARCHIVE", "DAY_ARCHIVE", "DRAFT", "DRAFT_LANG", "DRAFT_PAGE",
              "DRAFT_PAGE_LANG"):
    globals()[f"{_name}_SAVE_AS"] = ""
FEED_ALL_ATOM = FEED_ALL_RSS = CATEGORY_FEED_ATOM = TRANSLATION_FEED_ATOM = None
AUTHOR_FEED_ATOM = AUTHOR_FEED_RSS = TAG_FEED_ATOM = None

MARKDOWN = {
    "extension_configs": {
        "markdown.extensions.extra": {},
        "markdown.extensions.sane_lists": {},
    },
    "output_format": "html5",
}
# Autoescape everywhere: titles and YAML values are data; bodies are sanitised HTML marked safe.
JINJA_ENVIRONMENT = {"trim_blocks": True, "lstrip_blocks": True, "autoescape": True, "extensions": ["jinja2.ext.i18n"]}

DELETE_OUTPUT_DIRECTORY = True  # the staging folder, see gongkai.atomic
RELATIVE_URLS = False
# Incremental builds (gongkai.incremental): Pelican's reader cache, kept in
# <output>.cache, keyed by content hashes.
CACHE_CONTENT = True
LOAD_CONTENT_CACHE = True
CONTENT_CACHING_LAYER = "reader"
CHECK_MODIFIED_METHOD = "md5"
GZIP_CACHE = False
READERS = {"rst": None, "html": None, "htm": None}

# Extra main-navigation entries (site paths in the default language).
NAV_EXTRA = [
    {"path": "directory/index.html", "label": {"zh": "服务网点", "en": "Service points"}},
]

# HTTP security headers: the one definition behind every page's <meta> CSP and
# referrer policy and the server files the build writes (gongkai.headers):
# nginx-security-headers.conf (add_header lines) and _headers (Netlify and the like).
# No 'unsafe-inline' anywhere: pages carry no inline script, handler or style attribute.
SECURITY_HEADERS = {
    "Content-Security-Policy": {
        "default-src": "'self'",
        "script-src": "'self'",
        "style-src": "'self'",
        "img-src": "'self' data:",
        "font-src": "'self'",
        "connect-src": "'self'",
        "object-src": "'none'",
        "base-uri": "'self'",
        "form-action": "'self'",
        "frame-ancestors": "'none'",
    },
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    # Geolocation stays allowed for the portal itself ("service points near me").
    "Permissions-Policy": "geolocation=(self), camera=(), microphone=(), payment=(), usb=()",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
}
