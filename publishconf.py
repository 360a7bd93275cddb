"""Settings for publishing: absolute URLs for feeds, sitemap and canonical links."""
import os
import sys

sys.path.append(os.curdir)
from pelicanconf import *  # noqa: E402,F401,F403

SITEURL = "https://rkjs.example.gov.cn"
PORTAL = dict(PORTAL, base_url=SITEURL)  # noqa: F405
