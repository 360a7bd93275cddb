"""The portal's own settings (``PORTAL`` in pelicanconf.py), typed and checked.

Pelican replaces a wrong-typed setting with its default and only warns; here an
unknown key or a missing value stops the build with a message instead.
"""
from __future__ import annotations

from dataclasses import dataclass, fields

from .problems import did_you_mean
from .schema import LANGS, Label


class SettingsError(ValueError):
    exitcode = 2


@dataclass(frozen=True)
class PortalSettings:
    site_name: Label
    host_org: Label  # 主办单位
    site_domain: str  # SiteDomain meta
    site_id_code: str  # 网站标识码
    icp: str  # ICP备案号
    contact_phone: str
    contact_email: str
    contact_address: Label
    base_url: str  # absolute base for feeds and the sitemap when SITEURL is relative
    per_page: int = 20
    sample_notice: bool = True

    @classmethod
    def from_settings(cls, settings: dict) -> "PortalSettings":
        raw = settings.get("PORTAL")
        if not isinstance(raw, dict):
            raise SettingsError("pelicanconf.py: PORTAL must be a dict of the portal's settings")
        names = [f.name for f in fields(cls)]
        unknown = [k for k in raw if k not in names]
        if unknown:
            raise SettingsError("pelicanconf.py: PORTAL: unknown key(s) " + ", ".join(
                f"'{k}'{did_you_mean(k, names)}" for k in unknown))
        values = {}
        for f in fields(cls):
            if f.name not in raw:
                if f.default is not f.default_factory and f.default.__class__.__name__ != "_MISSING_TYPE":
                    continue
                raise SettingsError(f"pelicanconf.py: PORTAL: '{f.name}' is required")
            value = raw[f.name]
            if f.type == "Label":
                if not (isinstance(value, dict) and all(value.get(lang) for lang in LANGS)):
                    raise SettingsError(f"pelicanconf.py: PORTAL: '{f.name}' needs zh and en values")
                value = Label(value["zh"], value["en"])
            elif f.type == "int" and not isinstance(value, int):
                raise SettingsError(f"pelicanconf.py: PORTAL: '{f.name}' must be a whole number")
            elif f.type == "str" and not isinstance(value, str):
                raise SettingsError(f"pelicanconf.py: PORTAL: '{f.name}' must be text")
            values[f.name] = value
        return cls(**values)
