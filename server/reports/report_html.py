"""The employee report as one printable HTML page: self-contained, inline CSS, no script.

Every text that comes from data (names, plan names, explanations, suggestions) goes through
``html.escape``: a name like ``<script>`` shows as those characters and never runs. The
download endpoint also sends a Content-Security-Policy that allows inline styles only.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from html import escape

from server.reports.messages import label
from server.reports.report import EmployeeReport, PlanResult
from server.scoring.engine import display

STYLE = """
body { font-family: "Helvetica Neue", Arial, "PingFang SC", "Microsoft YaHei", sans-serif;
       color: #222; margin: 2em auto; max-width: 60em; padding: 0 1em; }
h1 { font-size: 1.6em; margin-bottom: 0.2em; }
h2 { font-size: 1.2em; border-bottom: 1px solid #ccc; padding-bottom: 0.2em; margin-top: 1.6em; }
dl.facts { display: grid; grid-template-columns: max-content auto; gap: 0.2em 1em; }
dl.facts dt { font-weight: bold; }
dl.facts dd { margin: 0; }
table { border-collapse: collapse; width: 100%; margin: 0.6em 0; }
th, td { border: 1px solid #ccc; padding: 0.3em 0.5em; text-align: left; vertical-align: top; }
th { background: #f3f3f3; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.explanation { color: #555; font-size: 0.9em; }
.total { font-size: 1.3em; font-weight: bold; }
@media print {
  body { margin: 0; max-width: none; font-size: 10pt; }
  h2 { page-break-after: avoid; }
  table, tr { page-break-inside: avoid; }
  th { background: #eee; -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
"""


def _e(value: object) -> str:
    return escape("" if value is None else str(value), quote=True)


def _num(value: Decimal | None) -> str:
    return "—" if value is None else escape(display(value))


def _span(start: date, end: date) -> str:
    return f"{start.isoformat()} – {end.isoformat()}"


def _result(result: PlanResult, lang: str) -> list[str]:
    def t(key: str) -> str:
        return _e(label(key, lang))

    total = label("incomplete", lang) if result.total is None else display(result.total)
    parts = [
        f"<h2>{_e(result.plan_name)} <small>({_e(_span(result.period_start, result.period_end))})"
        "</small></h2>",
        '<dl class="facts">',
        f'<dt>{t("total")}</dt><dd class="total">{_e(total)}</dd>',
        f"<dt>{t('grade')}</dt><dd>{_e(result.grade_name or '—')}</dd>",
    ]
    if result.rank is not None:
        parts.append(f"<dt>{t('rank')}</dt><dd>{_e(result.rank.text(lang))}</dd>")
    parts += [
        f'<dt>{t("explanation")}</dt><dd class="explanation">{_e(result.explanation)}</dd>',
        "</dl>",
        "<table><thead><tr>",
        *(
            f"<th>{t(k)}</th>"
            for k in ("indicator", "weight", "target", "actual", "completion", "score")
        ),
        "</tr></thead><tbody>",
    ]
    for line in result.indicators:
        unit = f" {line.unit}" if line.unit else ""
        parts.append(
            "<tr>"
            f"<td>{_e(line.name)}"
            f'<div class="explanation">{_e(line.explanation)}</div></td>'
            f'<td class="num">{_num(line.weight)}</td>'
            f'<td class="num">{_num(line.target)}{_e(unit if line.target is not None else "")}</td>'
            f'<td class="num">{_num(line.actual)}{_e(unit if line.actual is not None else "")}</td>'
            f'<td class="num">{_num(line.completion)}</td>'
            f'<td class="num">{_num(line.score)}</td>'
            "</tr>"
        )
    parts.append("</tbody></table>")
    return parts


def render_html(report: EmployeeReport) -> str:
    lang = report.lang

    def t(key: str) -> str:
        return _e(label(key, lang))

    title = f"{label('report_title', lang)} · {report.employee_name}"
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{"zh-CN" if lang == "zh" else "en"}">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_e(title)}</title>",
        f"<style>{STYLE}</style>",
        "</head>",
        "<body>",
        f"<h1>{t('report_title')}</h1>",
        '<dl class="facts">',
        f"<dt>{t('employee')}</dt><dd>{_e(report.employee_name)}</dd>",
        f"<dt>{t('department')}</dt><dd>{_e(report.department_name)}</dd>",
        f"<dt>{t('period')}</dt><dd>{_e(_span(report.period_start, report.period_end))}</dd>",
        "</dl>",
    ]
    for result in report.results:
        parts += _result(result, lang)
    parts.append(f"<h2>{t('trend')}</h2>")
    if report.trend:
        parts.append(
            "<table><thead><tr>"
            f"<th>{t('plan')}</th><th>{t('period')}</th><th>{t('total')}</th>"
            f"<th>{t('grade')}</th></tr></thead><tbody>"
        )
        for point in report.trend:
            parts.append(
                f"<tr><td>{_e(point.plan_name)}</td>"
                f"<td>{_e(_span(point.period_start, point.period_end))}</td>"
                f'<td class="num">{_num(point.total)}</td>'
                f"<td>{_e(point.grade_name or '—')}</td></tr>"
            )
        parts.append("</tbody></table>")
    else:
        parts.append(f"<p>{t('no_scores')}</p>")
    parts.append(f"<h2>{t('suggestions')}</h2>")
    if report.suggestions:
        parts.append("<ul>")
        parts += [f"<li>{_e(s.text)}</li>" for s in report.suggestions]
        parts.append("</ul>")
    else:
        parts.append(f"<p>{t('no_suggestions')}</p>")
    parts += ["</body>", "</html>", ""]
    return "\n".join(parts)
