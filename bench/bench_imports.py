"""Imports benchmark: the Yuexiu figure, 33,654 members in 18 streets and 1,893 grids, with
their units and communities, imported from .xlsx on PostgreSQL (targets: the dry run and the
confirmed import each under 60 s, re-importing the unchanged file under 30 s, peak memory
not growing with the file).

The places (district, 18 streets, 216 communities, 1,893 grids) and 400 units (each reporting
to a community) are imported first from their own workbooks, as a district would. Then the
members' workbook: a dry run of its first third, a dry run of the whole, the confirmed import
and the same file again. Peak RSS is sampled during each step (a thread reading
/proc/self/statm every 20 ms); the third and the whole show whether it grows with the file.

    python -m bench.bench_imports                  # PostgreSQL, 33,654 members
    python -m bench.bench_imports --backend sqlite --small
"""
from __future__ import annotations

import io
import os
import random
import sys
import threading
import time

from openpyxl import Workbook

from bench.common import Bench, backends, base_parser

MEMBERS, STREETS, COMMUNITIES_PER_STREET, GRIDS, UNITS = 33654, 18, 12, 1893, 400
TARGETS = {"dry run": 60, "confirmed import": 60, "re-import (unchanged)": 30}
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建国志明文斌"
SKILLS = ["理发", "维修", "法律咨询", "医疗", "心理疏导", "文艺", "教育辅导", "摄影", "电脑"]
TIMES = ["周末", "工作日晚上", "随时", "节假日"]


class PeakRss:
    """The largest resident set size seen while active, in MiB."""

    def __init__(self):
        self.page = os.sysconf("SC_PAGE_SIZE")
        self.peak = 0
        self._stop = threading.Event()

    def rss(self) -> int:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[1]) * self.page

    def __enter__(self):
        self.peak = self.rss()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def _sample(self):
        while not self._stop.is_set():
            self.peak = max(self.peak, self.rss())
            time.sleep(0.02)

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, self.rss())

    @property
    def mib(self) -> float:
        return round(self.peak / 2**20, 1)


def workbook(header: list[str], rows) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def district(rng: random.Random):
    """(places rows, units rows, [(street, community, [grids])])."""
    communities = []
    for s in range(STREETS):
        for c in range(COMMUNITIES_PER_STREET):
            communities.append((f"第{s + 1}街道", f"街{s + 1}社区{c + 1}", []))
    for g in range(GRIDS):
        street, community, grids = communities[g % len(communities)]
        grids.append(f"第{len(grids) + 1}网格")
    places = [["越秀区", street, community, grid]
              for street, community, grids in communities for grid in grids]
    units = [[f"单位{u + 1:04d}", rng.choice(["机关", "事业单位", "国有企业"]),
              communities[u % len(communities)][0], communities[u % len(communities)][1], "志愿者、场地"]
             for u in range(UNITS)]
    return places, units, communities


def members_rows(count: int, communities, rng: random.Random):
    for n in range(count):
        street, community, grids = communities[rng.randrange(len(communities))]
        yield [rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN), f"1{rng.choice('3589')}{n:09d}",
               f"单位{rng.randrange(UNITS) + 1:04d}", street, community, rng.choice(grids),
               f"{community}幸福路{rng.randrange(1, 300)}号",
               "、".join(rng.sample(SKILLS, rng.randrange(0, 3))),
               rng.choice(TIMES)]


def run(backend: str, small: bool) -> dict:
    from app.auth.models import Role, User
    from app.imports.services import run_import

    members = 3000 if small else MEMBERS
    rng = random.Random(13)
    with Bench("imports", backend=backend) as b:
        db = b.db
        admin = User(username="admin", name="管理员", role=Role.ADMIN, password_hash="!")
        db.session.add(admin)
        db.session.commit()
        admin_id = admin.id
        places, units, communities = district(rng)
        member_header = ["姓名", "手机号", "单位", "街道", "社区", "网格", "居住地址", "个人特长", "作息时间"]
        started = time.perf_counter()
        member_rows = list(members_rows(members, communities, rng))
        files = {"third": workbook(member_header, member_rows[: members // 3]),
                 "whole": workbook(member_header, member_rows)}
        del member_rows
        b.note("members", members)
        sizes = [len(files[k]) / 2**20 for k in ("whole", "third")]
        b.note("workbook size", f"{sizes[0]:.1f} MiB (a third: {sizes[1]:.1f})")
        b.note("workbooks written in", f"{time.perf_counter() - started:.1f} s")
        unit_header = ["单位名称", "单位类型", "街道", "报到社区", "可提供资源"]
        for kind, header, rows in (("places", ["区", "街道", "社区", "网格"], places),
                                   ("units", unit_header, units)):
            started = time.perf_counter()
            result = run_import(admin, kind, workbook(header, rows), f"{kind}.xlsx", dry_run=False)
            db.session.commit()
            assert not result["errors"], result["errors"][:3]
            b.note(f"{kind} imported", f"{result['created']} rows in {time.perf_counter() - started:.1f} s")
        figures = {}
        for label, key, dry_run, expect in (
                ("dry run (a third of the file)", "third", True, "created"),
                ("dry run", "whole", True, "created"),
                ("confirmed import", "whole", False, "created"),
                ("re-import (unchanged)", "whole", False, "unchanged")):
            db.session.remove()
            admin = db.session.get(User, admin_id)
            with PeakRss() as memory:
                started = time.perf_counter()
                result = run_import(admin, "members", files[key], "members.xlsx", dry_run=dry_run)
                db.session.commit()
                seconds = time.perf_counter() - started
            rows = members // 3 if key == "third" else members
            assert result[expect] == rows and not result["errors"], (label, result["errors"][:3])
            target = TARGETS.get(label)
            figures[label] = {"seconds": round(seconds, 1), "peak_rss_mib": memory.mib,
                              "rows_per_second": round(rows / seconds), "target_s": target,
                              "meets_target": None if target is None else seconds < target}
            print(f"  {label}: {seconds:.1f} s, peak RSS {memory.mib} MiB, "
                  f"{result['created']} created, {result['unchanged']} unchanged", flush=True)
        b.note("load average (1, 5, 15 min) at the end", " ".join(f"{x:.2f}" for x in os.getloadavg()))
        for label, figure in figures.items():
            b.results.append({"label": label, "backend": backend, "n": 1, "p50_ms": figure["seconds"] * 1000,
                              "p95_ms": figure["seconds"] * 1000, "mean_ms": figure["seconds"] * 1000,
                              "min_ms": figure["seconds"] * 1000, "max_ms": figure["seconds"] * 1000,
                              "queries": 0, **figure})
        b.report()
        return figures


def main(argv=None) -> int:
    args = base_parser(__doc__).parse_args(argv)
    ok = True
    for backend in backends("postgres" if argv is None and "--backend" not in sys.argv else args.backend):
        figures = run(backend, args.small)
        ok = ok and all(f["meets_target"] is not False for f in figures.values())
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
