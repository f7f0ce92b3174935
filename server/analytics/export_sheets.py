"""One worksheet (or two) per analytic, with its chart: what ``export.workbook`` renders.

Numbers are written as numbers (Decimal as float cells, shares as fractions formatted as
percentages), text as text (server/reports/cells.Rows: never a formula). Personal data goes
through ``Masker``: a person's name and employee number are shown only to a caller who may
read that person's personal data (``employee:read_personal``), masked otherwise.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any
from uuid import UUID

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from server.analytics import export_charts as charts
from server.analytics.correlation import CorrelationMatrix
from server.analytics.distribution import GradeDistribution
from server.analytics.drivers import ScoreDrivers
from server.analytics.ranking import DepartmentRanking
from server.analytics.raters import RaterEffects
from server.analytics.trend import Trend
from server.authz import EMPLOYEE_READ_PERSONAL, Authorizer
from server.masking import mask_employee_number
from server.reports.cells import Rows

PERCENT = "0.00%"
WORDS: dict[str, dict[str, str]] = {
    "en": {
        "distribution": "Distribution",
        "ranking": "Ranking",
        "trend": "Trend",
        "matrix": "Correlation",
        "pairs": "Pairs",
        "drivers": "Drivers",
        "raters": "Raters",
        "normalized": "Normalized scores",
        "share": "Share",
        "score": "Score",
        "rating": "Rating",
        "coefficient": "r",
    },
    "zh": {
        "distribution": "等级分布",
        "ranking": "部门排名",
        "trend": "趋势",
        "matrix": "相关性",
        "pairs": "变量对",
        "drivers": "驱动因素",
        "raters": "评分者",
        "normalized": "标准化得分",
        "share": "占比",
        "score": "得分",
        "rating": "评分",
        "coefficient": "相关系数",
    },
}
HEADERS: dict[str, dict[str, list[str]]] = {
    "en": {
        "distribution": ["Grade", "Name", "Computed", "Computed share", "Calibrated",
                         "Calibrated share", "Min share", "Max share", "Target share"],
        "ranking": ["Rank", "Department", "Headcount", "Scored", "Completion", "Average",
                    "95% low", "95% high", "Shrunken", "Previous rank", "Change",
                    "Below", "Above"],
        "trend": ["Period", "Scored", "Average", "Completion", "Grade", "Out of control",
                  "Mean", "Upper limit", "Lower limit"],
        "pairs": ["X", "Y", "n", "Status", "r", "p", "Adjusted p", "95% low", "95% high"],
        "drivers": ["Indicator", "Weight", "Weight share", "Coefficient", "Variance share",
                    "Gap"],
        "raters": ["Employee no.", "Name", "Ratees", "Ratings", "Mean", "SD", "Mean gap",
                   "Self gap", "p", "Flags", "Company mean"],
        "normalized": ["Employee no.", "Name", "Rater", "Score", "z"],
    },
    "zh": {
        "distribution": ["等级", "名称", "计算人数", "计算占比", "校准人数", "校准占比",
                         "最低占比", "最高占比", "目标占比"],
        "ranking": ["排名", "部门", "人数", "已评分", "完成率", "平均分", "95%下限",
                    "95%上限", "收缩均值", "上期排名", "变化", "下距", "上距"],
        "trend": ["期间", "已评分", "平均分", "完成率", "等级", "失控", "均值", "上控制限",
                  "下控制限"],
        "pairs": ["X", "Y", "n", "状态", "r", "p", "校正p", "95%下限", "95%上限"],
        "drivers": ["指标", "权重", "权重占比", "标准化系数", "方差贡献", "差距"],
        "raters": ["工号", "姓名", "被评人数", "评分数", "均值", "标准差", "均值差",
                   "自评差", "p", "标记", "公司均值"],
        "normalized": ["工号", "姓名", "评分者", "得分", "z"],
    },
}  # fmt: skip


def _number(value: Decimal | float | None) -> float | None:
    return None if value is None else float(value)


def _header(rows: Rows, values: Sequence[str]) -> None:
    for cell in rows.add(list(values)):
        cell.font = Font(bold=True)


def _percent(sheet: Worksheet, columns: Sequence[int], first: int, last: int) -> None:
    for column in columns:
        for row in range(first, last + 1):
            sheet.cell(row=row, column=column).number_format = PERCENT


def _sheet(book: Workbook, title: str) -> Worksheet:
    sheet = book.active  # one analytic per workbook: its main sheet is the first
    assert sheet is not None
    sheet.title = title[:31]
    return sheet


class Masker:
    """Names and employee numbers as the caller may see them."""

    def __init__(self, authz: Authorizer, people: dict[UUID, dict[str, Any]]) -> None:
        self.authz, self.people = authz, people

    def visible(self, person: dict[str, Any]) -> bool:
        place = (person.get("department_id"), person.get("id"), person.get("manager_id"))
        return self.authz.check(EMPLOYEE_READ_PERSONAL, place)

    def name(self, employee_id: UUID) -> str:
        person = self.people.get(employee_id)
        if person is None:
            return ""
        name = str(person["name"])
        return name if self.visible(person) else name[:1] + "*" * max(len(name) - 1, 2)

    def number(self, employee_id: UUID) -> str:
        person = self.people.get(employee_id)
        if person is None:
            return ""
        number = str(person["employee_number"])
        return number if self.visible(person) else mask_employee_number(number)


def distribution(book: Workbook, found: GradeDistribution, lang: str) -> None:
    sheet = _sheet(book, WORDS[lang]["distribution"])
    rows = Rows(sheet)
    _header(rows, HEADERS[lang]["distribution"])
    for g in found.grades:
        rows.add(
            [
                g.grade,
                g.label,
                g.computed_count,
                _number(g.computed_share),
                g.calibrated_count,
                _number(g.calibrated_share),
                _number(g.min_share),
                _number(g.max_share),
                _number(g.target_share),
            ]
        )
    last = max(rows.row, 2)
    _percent(sheet, (4, 6, 7, 8, 9), 2, last)
    charts.bars_with_line(
        sheet,
        title=f"{found.scope_name} {found.period.label(lang)}",
        y_title=WORDS[lang]["share"],
        categories=2,
        bars=[4, 6],
        lines=[7, 8, 9],
        rows=(2, last),
        anchor="K2",
    )


def ranking(book: Workbook, found: DepartmentRanking, lang: str) -> None:
    sheet = _sheet(book, WORDS[lang]["ranking"])
    rows = Rows(sheet)
    _header(rows, HEADERS[lang]["ranking"])
    for r in found.rows:
        f = r.figures
        low, high = (None, None) if f.interval is None else f.interval
        below = None if low is None or f.average is None else f.average - low
        above = None if high is None or f.average is None else high - f.average
        rows.add(
            [
                r.rank,
                f.name,
                f.headcount,
                f.scored,
                _number(f.completion_rate),
                _number(f.average),
                _number(low),
                _number(high),
                _number(f.shrunken),
                r.previous_rank,
                _number(r.average_change),
                _number(below),
                _number(above),
            ]
        )
    last = max(rows.row, 2)
    _percent(sheet, (5,), 2, last)
    charts.bars_with_error(
        sheet,
        title=f"{found.period.label(lang)}",
        y_title=WORDS[lang]["score"],
        categories=2,
        value=6,
        plus=13,
        minus=12,
        rows=(2, last),
        anchor="O2",
    )


def trend(book: Workbook, found: Trend, lang: str) -> None:
    sheet = _sheet(book, WORDS[lang]["trend"])
    rows = Rows(sheet)
    _header(rows, HEADERS[lang]["trend"])
    for p in found.points:
        rows.add(
            [
                p.period.label(lang),
                p.scored,
                _number(p.average),
                _number(p.completion_rate),
                p.grade or "",
                p.out_of_control,
                _number(found.mean),
                _number(found.upper),
                _number(found.lower),
            ]
        )
    last = max(rows.row, 2)
    _percent(sheet, (4,), 2, last)
    charts.lines(
        sheet,
        title=found.subject_name,
        y_title=WORDS[lang]["score"],
        categories=1,
        columns=[3, 7, 8, 9],
        rows=(2, last),
        anchor="K2",
    )


def correlation(book: Workbook, found: CorrelationMatrix, lang: str) -> None:
    sheet = _sheet(book, WORDS[lang]["matrix"])
    rows = Rows(sheet)
    labels = [v.label for v in found.variables]
    _header(rows, ["", *labels])
    size = len(labels)
    cells: dict[tuple[int, int], float | None] = {}
    for pair in found.pairs:
        cells[(pair.x, pair.y)] = cells[(pair.y, pair.x)] = pair.coefficient
    for i, label in enumerate(labels):
        rows.add([label, *[1.0 if i == j else cells.get((i, j)) for j in range(size)]])
    if size:
        corner = f"B2:{get_column_letter(size + 1)}{size + 1}"
        charts.colour_scale(sheet, corner)
    pairs = Rows(book.create_sheet(WORDS[lang]["pairs"][:31]))
    _header(pairs, HEADERS[lang]["pairs"])
    for pair in found.pairs:
        pairs.add(
            [
                labels[pair.x],
                labels[pair.y],
                pair.n,
                str(pair.status),
                pair.coefficient,
                pair.p_value,
                pair.adjusted_p_value,
                pair.low,
                pair.high,
            ]
        )


def drivers(book: Workbook, found: ScoreDrivers, lang: str) -> None:
    sheet = _sheet(book, WORDS[lang]["drivers"])
    rows = Rows(sheet)
    _header(rows, HEADERS[lang]["drivers"])
    for d in found.drivers:
        rows.add(
            [
                d.indicator,
                _number(d.weight),
                d.weight_share,
                d.coefficient,
                d.variance_share,
                d.gap,
            ]
        )
    last = max(rows.row, 2)
    _percent(sheet, (3, 5, 6), 2, last)
    charts.bars_with_line(
        sheet,
        title=f"R² {'' if found.r_squared is None else round(found.r_squared, 3)}",
        y_title=WORDS[lang]["share"],
        categories=1,
        bars=[3, 5],
        lines=[],
        rows=(2, last),
        anchor="H2",
    )


def raters(book: Workbook, found: RaterEffects, lang: str, masker: Masker) -> None:
    sheet = _sheet(book, WORDS[lang]["raters"])
    rows = Rows(sheet)
    _header(rows, HEADERS[lang]["raters"])
    for r in found.raters:
        rows.add(
            [
                masker.number(r.manager_id),
                masker.name(r.manager_id),
                r.ratees,
                r.ratings,
                _number(r.mean),
                _number(r.sd),
                _number(r.mean_gap),
                _number(r.self_gap),
                r.p_value,
                ", ".join(f.name for f in r.flags),
                _number(found.company_mean),
            ]
        )
    last = max(rows.row, 2)
    charts.bars_with_line(
        sheet,
        title=found.reach.name,
        y_title=WORDS[lang]["rating"],
        categories=2,
        bars=[5],
        lines=[11],
        rows=(2, last),
        anchor="M2",
    )
    if not found.normalized:
        return
    table = Rows(book.create_sheet(WORDS[lang]["normalized"][:31]))
    _header(table, HEADERS[lang]["normalized"])
    for n in found.normalized:
        table.add(
            [
                masker.number(n.employee_id),
                masker.name(n.employee_id),
                masker.name(n.manager_id),
                _number(n.score),
                n.z_score,
            ]
        )
