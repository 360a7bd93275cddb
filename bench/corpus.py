"""A generated corpus in the portal's content format, for benchmarks.

N zh news + N/5 en translations + policies + agreements + service points, with
bodies of about 1,500 characters made from the seed texts, so that Chinese
segmentation, Markdown and templates see realistic input.  Deterministic for a
given N (seeded random), so runs compare like with like.
"""
from __future__ import annotations

import random
import re
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT.parent / "shared" / "seeds"
FALLBACK = "人口和计划生育工作是一项长期而艰巨的任务，各地要进一步加强流动人口服务管理，落实免费技术服务，提高群众满意度。"


def _sentences() -> list[str]:
    text = " ".join(p.read_text(encoding="utf-8", errors="ignore") for p in sorted(SEEDS.glob("*.txt"))) \
        if SEEDS.is_dir() else FALLBACK * 20
    text = re.sub(r"[\s\u3000]+", "", text)
    parts = [s + "。" for s in re.split(r"[。！？]", text) if 12 <= len(s) <= 120]
    return parts or [FALLBACK]


EN_WORDS = ("migrant population services family planning free contraceptives station community health "
            "registration certificate township county policy implementation opinions report residents "
            "committee couples children reward support households elderly consultation").split()


def _body(rng, sentences, chars=1500) -> str:
    paras, para, size = [], "", 0
    while size < chars:
        s = rng.choice(sentences)
        para += s
        size += len(s)
        if len(para) > 250:
            paras.append(para)
            para = ""
    if para:
        paras.append(para)
    return "\n\n".join(paras)


def _en_body(rng, words=260) -> str:
    out = []
    for _ in range(words // 13):
        out.append(" ".join(rng.choice(EN_WORDS) for _ in range(13)).capitalize() + ".")
    return "\n\n".join(" ".join(out[i:i + 4]) for i in range(0, len(out), 4))


def generate(dest: Path, n: int, points: int = 500) -> Path:
    """Write the corpus under dest/content and return that folder."""
    rng = random.Random(n)
    sentences = _sentences()
    content = dest / "content"
    if content.exists():
        shutil.rmtree(content)
    for folder in ("news", "policy", "agreements", "pages", "directory"):
        (content / folder).mkdir(parents=True)
    shutil.copytree(ROOT / "content" / "pages", content / "pages", dirs_exist_ok=True)
    for i in range(n):
        day = f"20{10 + i % 14:02d}-{1 + i % 12:02d}-{1 + i % 28:02d}"
        title = rng.choice(sentences)[:24].rstrip("，。、")
        front = (f"---\ntitle: \"{title}{i}\"\nslug: news-{i:05d}\ndate: {day} {i % 24:02d}:{i % 60:02d}\n"
                 f"source: 人口计生新闻网\nauthors: [记者{i % 97}]\ntags: [流动人口, 计划生育]\n---\n")
        (content / "news" / f"news-{i:05d}.md").write_text(front + _body(rng, sentences), encoding="utf-8")
        if i % 5 == 0:
            en = (f"---\ntitle: \"Migrant population services report {i}\"\nslug: news-{i:05d}\nlang: en\n"
                  f"date: {day} {i % 24:02d}:{i % 60:02d}\nsource: Population news\n---\n")
            (content / "news" / f"news-{i:05d}.en.md").write_text(en + _en_body(rng), encoding="utf-8")
    for i in range(max(10, n // 10)):
        front = (f"---\ntitle: \"关于进一步加强人口和计划生育工作的实施意见{i}\"\nslug: policy-{i:05d}\n"
                 f"date: 2012-{1 + i % 12:02d}-{1 + i % 28:02d}\nindex_no: 000014349/2012-{i:05d}\n"
                 f"issuer: [示例县人口和计划生育局]\ndoc_number: 示人口发〔2012〕{i}号\nwritten: 2012-01-01\n"
                 f"topic: population\nstatus: in_force\n---\n")
        (content / "policy" / f"policy-{i:05d}.md").write_text(front + _body(rng, sentences), encoding="utf-8")
    for i in range(max(2, n // 500)):
        front = (f"---\ntitle: \"协议书范本{i}\"\nslug: agreement-{i:03d}\ndate: 2013-01-01\ncopies: 3\n"
                 "fields:\n  - id: name_a\n    label: {zh: 甲方, en: Party A}\n    kind: name\n    required: true\n"
                 "  - id: amount\n    label: {zh: 奖励金额, en: Reward}\n    kind: money\n---\n")
        body = "甲方：[[name_a]]\n\n一、奖励金额为[[amount]]元。\n\n" + _body(rng, sentences, 600)
        (content / "agreements" / f"agreement-{i:03d}.md").write_text(front + body, encoding="utf-8")
    per_region = 50
    for r in range(max(1, points // per_region)):
        lines = [f"region:\n  id: region-{r:02d}\n  name: {{zh: 示例地区{r}, en: Sample region {r}}}\npoints:"]
        for j in range(per_region):
            k = r * per_region + j
            lines.append(
                f"  - id: point-{k:04d}\n    name: {{zh: 计划生育服务站{k}, en: Service station {k}}}\n"
                f"    kind: service_station\n    address: {{zh: 示例路{k}号, en: {k} Sample Road}}\n"
                f"    phone: 0595-8{k:07d}\n    hours: Mo-Fr 08:30-12:00,14:30-17:30\n"
                f"    services: [contraceptives, consultation]\n"
                f"    geo: {{lat: {24 + (k % 100) / 100:.4f}, lon: {118 + (k % 50) / 100:.4f}}}\n"
                f"    updated: 2026-01-01\n    sample: true")
        (content / "directory" / f"region-{r:02d}.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return content
