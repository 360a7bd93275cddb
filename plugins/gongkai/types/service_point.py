"""Service points (服务网点): YAML data files under content/directory/."""
from __future__ import annotations

import re

from ..schema import Field, L, Schema, Vocabulary

KINDS = Vocabulary("point kind", {
    "service_station": L("计划生育服务站", "Family planning service station"),
    "supply_point": L("免费避孕药具发放点", "Free contraceptive supply point"),
    "migrant_point": L("流动人口服务点", "Migrant population service point"),
    "association": L("计划生育协会", "Family planning association"),
    "community_workshop": L("社区工作室", "Community workshop"),
    "community_site": L("社区服务站点", "Community service site"),
})

SERVICES = Vocabulary("service", {
    "contraceptives": L("免费避孕药具", "Free contraceptives"),
    "consultation": L("政策咨询", "Policy advice"),
    "prepregnancy_check": L("孕前优生健康检查", "Pre-pregnancy health check"),
    "reproductive_health": L("生殖健康检查", "Reproductive health check"),
    "birth_registration": L("生育服务登记", "Birth service registration"),
    "migrant_certificate": L("流动人口婚育证明", "Migrant marriage and childbirth certificate"),
    "health_education": L("健康教育", "Health education"),
    "family_support": L("计生家庭奖励扶助", "Support for family-planning households"),
})

DAYS = ("Mo", "Tu", "We", "Th", "Fr", "Sa", "Su")
_TIME = r"(?:[01]\d|2[0-3]):[0-5]\d"
_DAYSPEC = r"(?:Mo|Tu|We|Th|Fr|Sa|Su)(?:-(?:Mo|Tu|We|Th|Fr|Sa|Su))?"
HOURS_RULE_RE = re.compile(rf"^({_DAYSPEC}(?:,{_DAYSPEC})*) ({_TIME}-{_TIME}(?:,{_TIME}-{_TIME})*)$")
PHONE_RE = re.compile(r"^(?:0\d{2,3}-\d{7,8}(?:-\d{1,5})?|1[3-9]\d{9}|12\d{3}|400-?\d{3}-?\d{4})$")


def parse_hours(text: str) -> list[tuple[list[str], list[tuple[str, str]]]]:
    """``Mo-Fr 08:30-12:00,14:30-17:30; Sa 09:00-12:00`` → [(days, [(open, close)])].

    Raises ValueError with a message an editor can act on.
    """
    rules = []
    for part in [p.strip() for p in text.split(";") if p.strip()]:
        m = HOURS_RULE_RE.match(part)
        if not m:
            raise ValueError(f"'{part}' is not like 'Mo-Fr 08:30-12:00,14:30-17:30' "
                             "(days Mo Tu We Th Fr Sa Su, 24-hour times; rules separated by ';')")
        days = []
        for spec in m.group(1).split(","):
            first, _, last = spec.partition("-")
            a, b = DAYS.index(first), DAYS.index(last or first)
            if b < a:
                raise ValueError(f"day range '{spec}' runs backwards")
            days.extend(DAYS[a:b + 1])
        spans = []
        for span in m.group(2).split(","):
            start, end = span.split("-")
            if end <= start:
                raise ValueError(f"'{span}' closes before it opens")
            spans.append((start, end))
        rules.append((days, spans))
    if not rules:
        raise ValueError("no opening hours given")
    return rules


def _check_hours(value: str) -> str | None:
    try:
        parse_hours(value)
    except ValueError as exc:
        return str(exc)
    return None


def _check_phone(value: str) -> str | None:
    return None if PHONE_RE.match(value) else (
        f"'{value}' is not a phone number (e.g. 0595-85612345, 13812345678 or 12356)")


def _check_geo(value: dict) -> str | None:
    lat, lon = value.get("lat"), value.get("lon")
    if lat is None or lon is None:
        return None
    if 73 <= lat <= 135 and 18 <= lon <= 54:
        return f"lat {lat} and lon {lon} look swapped (China is about lat 18–54, lon 73–135)"
    if not (18 <= lat <= 54 and 73 <= lon <= 135):
        return f"lat {lat}, lon {lon} is outside China (about lat 18–54, lon 73–135)"
    return None


GEO_SCHEMA = Schema("geo", L("坐标", "Coordinates"), (
    Field("lat", "float", L("纬度", "Latitude"), required=True,
          help=L("WGS 84 十进制度数，北纬为正", "WGS 84 decimal degrees, north positive")),
    Field("lon", "float", L("经度", "Longitude"), required=True,
          help=L("WGS 84 十进制度数，东经为正", "WGS 84 decimal degrees, east positive")),
))

POINT_SCHEMA = Schema("service point", L("服务网点", "Service point"), (
    Field("id", "slug", L("标识", "Id"), required=True),
    Field("name", "localized", L("名称", "Name"), required=True, indexed=True),
    Field("kind", "enum", L("类型", "Kind"), required=True, vocabulary=KINDS),
    Field("district", "localized", L("街道/区县", "District")),
    Field("address", "localized", L("地址", "Address"), required=True, indexed=True),
    Field("phone", "str", L("电话", "Phone"), required=True, check=_check_phone,
          help=L("区号-号码、手机号或服务热线，如 0595-85612345、12356",
                 "Area code and number, a mobile number or a hotline, e.g. 0595-85612345, 12356")),
    Field("hours", "str", L("开放时间", "Opening hours"), required=True, check=_check_hours,
          help=L("北京时间的固定开放时间，如 Mo-Fr 08:30-12:00,14:30-17:30; Sa 09:00-12:00"
                 "（Mo…Su 为周一至周日，多条规则以分号分隔）；不含节假日和临时调整",
                 "Regular hours in Beijing time, e.g. Mo-Fr 08:30-12:00,14:30-17:30; Sa 09:00-12:00 "
                 "(Mo…Su are Monday to Sunday, rules separated by ';'); public holidays and temporary "
                 "changes are not included")),
    Field("services", "list", L("服务项目", "Services"), required=True, default=list,
          item=Field("service", "enum", L("服务项目", "Service"), vocabulary=SERVICES)),
    Field("geo", "object", L("坐标", "Coordinates"), schema=GEO_SCHEMA, check=_check_geo),
    Field("updated", "date", L("更新日期", "Last updated"), required=True,
          help=L("这条信息最近一次核实的日期", "When this entry was last checked")),
    Field("sample", "bool", L("示例数据", "Sample data"), default=False,
          help=L("true 表示地址、电话等为演示用的示例数据，并非真实信息",
                 "true: details such as the address and phone are made up for demonstration, not real")),
))

REGION_SCHEMA = Schema("region", L("地区", "Region"), (
    Field("id", "slug", L("标识", "Id"), required=True),
    Field("name", "localized", L("名称", "Name"), required=True),
))

FILE_SCHEMA = Schema("directory file", L("服务网点数据", "Directory data"), (
    Field("region", "object", L("地区", "Region"), required=True, schema=REGION_SCHEMA),
    Field("points", "list", L("服务网点", "Service points"), required=True, default=list,
          item=Field("point", "object", L("服务网点", "Service point"), schema=POINT_SCHEMA)),
))
