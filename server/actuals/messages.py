"""User-facing messages of this package, merged into server.i18n.MESSAGES."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    # key: (English, 简体中文)
    "not_assigned": (
        "{field}: this employee has no assignment in the plan, or is not one of the people "
        "whose actuals you may see.",
        "{field}：该员工在本计划中没有指标分配，或不在您可查看实际值的人员范围内。",
    ),
    "actual_from_connector": (
        "{field}: {indicator} takes its value from the connector metric {metric}; to replace "
        "that value, use overrideActual with a reason.",
        "{field}：“{indicator}”的数值来自连接器指标 {metric}；如需替换，请使用 "
        "overrideActual 并说明理由。",
    ),
    "actual_rated": (
        "{field}: {indicator} is qualitative: the manager rates it in the evaluation, it "
        "takes no actual value.",
        "{field}：“{indicator}”是定性指标，由上级在评估中评分，不录入实际值。",
    ),
    "actual_not_connector": (
        "{field}: {indicator} is entered by hand; record its value with recordActuals, there "
        "is no connector value to override.",
        "{field}：“{indicator}”为手工录入指标，请用 recordActuals 录入，没有可覆盖的连接器数值。",
    ),
    "duplicate_row": (
        "{field}: this employee's {indicator} is already given in rows[{first}]; each "
        "employee's indicator may appear once in a batch.",
        "{field}：该员工的“{indicator}”已在 rows[{first}] 中给出；"
        "每批中每位员工的每个指标只能出现一次。",
    ),
    "actuals_closed": (
        "The plan is {state}: actuals change only while it is active or being evaluated.",
        "计划当前状态为 {state}：只有在执行中或评估中才能修改实际值。",
    ),
    "client_key_reused": (
        "The client key {client_key} was already used for a batch with other rows; send new rows "
        "with a new key.",
        "客户端键 {client_key} 已用于另一批不同的数据；新数据请使用新的键。",
    ),
    "not_overridden": (
        "This actual is not overridden: it already has the connector's value.",
        "该实际值未被覆盖，当前即为连接器的数值。",
    ),
}
