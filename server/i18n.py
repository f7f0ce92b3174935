"""User-facing messages in English and Simplified Chinese, chosen by ``Accept-Language``."""

from __future__ import annotations

from typing import Any

from server.actuals.messages import MESSAGES as ACTUAL_MESSAGES
from server.assignments.messages import MESSAGES as ASSIGNMENT_MESSAGES
from server.bonus.messages import MESSAGES as BONUS_MESSAGES
from server.calibration.messages import MESSAGES as CALIBRATION_MESSAGES
from server.evaluations.messages import MESSAGES as EVALUATION_MESSAGES
from server.feedback.messages import MESSAGES as FEEDBACK_MESSAGES
from server.i18n_hints import hint_zh
from server.i18n_names import ACTION_NAMES, OBJECT_NAMES
from server.notifications.messages import MESSAGES as NOTIFICATION_MESSAGES
from server.peer_reviews.messages import MESSAGES as PEER_REVIEW_MESSAGES
from server.reminders.messages import MESSAGES as REMINDER_MESSAGES
from server.reports.messages import MESSAGES as REPORT_MESSAGES
from server.scoring.result_messages import MESSAGES as SCORE_MESSAGES
from server.scoring.settings_messages import MESSAGES as SCORING_SETTINGS_MESSAGES

SUPPORTED = ("en", "zh")

MESSAGES: dict[str, tuple[str, str]] = {
    # key: (English, 简体中文)
    "not_found": ("No {object_type} with that ID exists.", "找不到该{object_type}。"),
    "unauthenticated": ("Please sign in first.", "请先登录。"),
    "bad_credentials": ("Wrong username or password.", "用户名或密码错误。"),
    "login_throttled": (
        "Too many failed sign-in attempts. Try again in {seconds} seconds.",
        "登录失败次数过多，请在 {seconds} 秒后重试。",
    ),
    "token_invalid": (
        "Your session is invalid or has expired. Please sign in again.",
        "会话无效或已过期，请重新登录。",
    ),
    "forbidden": (
        "Your role does not allow you to {action} this {object_type}.",
        "您的角色无权对该{object_type}执行“{action}”操作。",
    ),
    "required": ("{field} is required.", "{field} 为必填项。"),
    "too_long": ("{field} must be at most {max} characters.", "{field} 最多 {max} 个字符。"),
    "invalid_format": ("{field} is not valid: {hint}.", "{field} 格式不正确：{hint}。"),
    "invalid_id": ("{field} is not a valid ID.", "{field} 不是有效的 ID。"),
    "wrong_id_type": (
        "{field} must be an ID of type {expected}.",
        "{field} 必须是{expected}的 ID。",
    ),
    "page_size": (
        "`first` must be between 0 and {max}.",
        "`first` 必须介于 0 到 {max} 之间。",
    ),
    "query_cost": (
        "This query could return up to {cost:,} objects, more than the {max:,} allowed per "
        "request. Ask for smaller pages (`first`), fewer nested lists or fewer aliases, or "
        "split it into several requests.",
        "该查询最多可能返回 {cost:,} 个对象，超过每个请求 {max:,} 个的上限。"
        "请减小分页（`first`）、减少嵌套列表或别名，或拆分为多个请求。",
    ),
    "bad_cursor": ("The cursor `after` is not valid.", "分页游标 `after` 无效。"),
    "date_range": (
        "{field} must be between {min} and {max}.",
        "{field} 必须介于 {min} 与 {max} 之间。",
    ),
    "password_weak": (
        "The password must be at least {min} characters long.",
        "密码长度至少为 {min} 个字符。",
    ),
    "username_taken": ("The username {username} is already taken.", "用户名 {username} 已被占用。"),
    "employee_number_taken": (
        "Employee number {number} is already used in this company.",
        "工号 {number} 在本公司已被使用。",
    ),
    "department_name_taken": (
        "A department named {name} already exists under the same parent.",
        "同一上级部门下已存在名为 {name} 的部门。",
    ),
    "too_many_results": (
        "More than {max} plans match; narrow the period or filter by state.",
        "符合条件的计划超过 {max} 个，请缩小期间或按状态筛选。",
    ),
    "name_taken": ("The name {name} is already used.", "名称 {name} 已被使用。"),
    "sync_busy": (
        "A sync of this connector is already running; wait for it to finish.",
        "该连接器正在同步，请等待完成。",
    ),
    "private_address": (
        "{field} points at a loopback, private or otherwise local address; connectors may "
        "only reach public addresses (JIXIAO_CONNECTOR_ALLOW_PRIVATE_NETWORKS).",
        "{field} 指向回环、内网或其他本地地址；连接器只能访问公网地址"
        "（JIXIAO_CONNECTOR_ALLOW_PRIVATE_NETWORKS）。",
    ),
    "period_invalid": (
        "The period must start on or before its end and span at most {days} days.",
        "期间的开始日期不能晚于结束日期，且跨度不超过 {days} 天。",
    ),
    "upload_unsupported": (
        "The connector {connector} does not import files.",
        "连接器 {connector} 不支持导入文件。",
    ),
    "illegal_transition": (
        "The plan is {state}; it cannot {action} now. Allowed next: {allowed}.",
        "计划当前状态为 {state}，不能执行 {action}。可执行的操作：{allowed}。",
    ),
    "plan_locked": (
        "The plan is {state}; its content can no longer be changed.",
        "计划当前状态为 {state}，内容已不可修改。",
    ),
    "stale_version": (
        "The plan has changed since you read it: it is at version {current}, you edited "
        "version {expected}. Reload it and apply your change again.",
        "计划在您读取后已被修改：当前为第 {current} 版，您修改的是第 {expected} 版。"
        "请刷新后重新修改。",
    ),
    "changed_since_read": (
        "The plan has changed since version {expected}, which you read: it is now at version "
        "{current}. Reload it and review the changes first.",
        "计划在您读取的第 {expected} 版之后已被修改，当前为第 {current} 版。"
        "请刷新并查看修改后再操作。",
    ),
    "plan_moved": (
        "The plan has moved from {before} to {after} since you read it. Reload it and apply "
        "your change again.",
        "计划在您读取后已由 {before} 变为 {after}。请刷新后重新修改。",
    ),
    "weights_total": (
        "Indicator weights must add up to exactly 100; they add up to {total}.",
        "指标权重之和必须正好为 100，当前为 {total}。",
    ),
    "unknown_indicator": (
        "{field}: the plan has no indicator with the key {indicator}.",
        "{field}：计划中没有键为 {indicator} 的指标。",
    ),
    "duplicate_key": (
        "{field}: the indicator {indicator} is changed twice in one request.",
        "{field}：同一请求中指标 {indicator} 被修改了两次。",
    ),
    "too_many_items": ("{field} takes at most {max} items.", "{field} 最多 {max} 项。"),
    "rows_invalid": (
        "{count} of the {field} are not valid; nothing was changed. Each is listed in "
        "extensions.rows.",
        "{field} 中有 {count} 项无效，未做任何修改。详见 extensions.rows。",
    ),
    "must_be_positive": ("{field} must be greater than 0.", "{field} 必须大于 0。"),
    "cap_too_low": ("{field}: a cap must be at least 100 %.", "{field}：封顶值不得低于 100%。"),
    "bands_invalid": (
        "{field}: bands must start at 0 and rise strictly.",
        "{field}：分档必须从 0 开始并严格递增。",
    ),
    "must_not_be_negative": ("{field} must not be negative.", "{field} 不能为负数。"),
    "floor_above_cap": (
        "{field}: the floor must not be above the cap.",
        "{field}：保底分不能高于封顶分。",
    ),
    "zero_anchor_side": (
        "{field}: the zero anchor must be on the worse side of the target: below it when "
        "higher is better, above it when lower is better.",
        "{field}：零分点必须位于目标值较差的一侧：越高越好时低于目标值，越低越好时高于目标值。",
    ),
    "rating_points_invalid": (
        "{field}: give {count} points, one for each rating from 1 to {count}, none below the "
        "one before.",
        "{field}：请给出 {count} 个分值，依次对应评分 1 至 {count}，且不得低于前一个。",
    ),
    "rating_not_qualitative": (
        "{field}: a rating scores qualitative indicators only; mark the indicator qualitative.",
        "{field}：评分制只用于定性指标，请将该指标标记为定性指标。",
    ),
    "duplicate_name": ("{field}: the name {name} is used twice.", "{field}：名称 {name} 重复。"),
    "unknown_metric": (
        "{field}: no installed connector provides the metric {metric}.",
        "{field}：没有已安装的连接器提供指标 {metric}。",
    ),
    "dates_order": ("{field} must not be before {other}.", "{field} 不能早于 {other}。"),
    "period_bounds": (
        "The period must be a whole {kind}: {expected_start} to {expected_end}.",
        "期间必须是完整的{kind}：{expected_start} 至 {expected_end}。",
    ),
    "no_approval_due": (
        "No sign-off of yours is pending on this plan.",
        "该计划没有待您审批的事项。",
    ),
    "comment_required": ("{field}: say why.", "{field}：请说明理由。"),
    "inactive_reference": (
        "{field} refers to a deactivated {object_type}.",
        "{field} 指向已停用的{object_type}。",
    ),
    "self_manager": ("An employee cannot be their own manager.", "员工不能成为自己的上级。"),
    "manager_cycle": (
        "That manager would create a reporting cycle.",
        "该上级设置会形成汇报关系循环。",
    ),
    "department_cycle": (
        "A department cannot be moved under itself or one of its sub-departments.",
        "部门不能移动到自身或其下级部门之下。",
    ),
    "root_department": (
        "The top-level department cannot be moved or deactivated.",
        "顶级部门不能移动或停用。",
    ),
    "department_not_empty": (
        "The department still has {employees} active employees and {children} active "
        "sub-departments; move them first.",
        "该部门仍有 {employees} 名在职员工和 {children} 个启用的下级部门，请先调整。",
    ),
    "already_inactive": ("This {object_type} is already deactivated.", "该{object_type}已停用。"),
    "role_unknown": (
        "Unknown role {role}; use one of {roles}.",
        "未知角色 {role}，可选：{roles}。",
    ),
    "role_scope": (
        "The role {role} is {scope}.",
        "角色 {role} {scope}。",
    ),
    "role_exists": (
        "{name} already holds this role in this scope.",
        "{name} 已在该范围内拥有此角色。",
    ),
    "last_admin": (
        "This is the company's last tenant admin; assign another admin first.",
        "这是公司最后一位系统管理员，请先指定其他管理员。",
    ),
    "username_domain": (
        "{field} must end in @{tenant}, this company's sign-in names.",
        "{field} 必须以 @{tenant} 结尾（本公司的登录名）。",
    ),
    "own_roles": (
        "You cannot give yourself a role; ask another administrator.",
        "不能给自己分配角色，请联系其他管理员。",
    ),
    "policy_invalid": ("The policy files were refused: {detail}", "策略文件被拒绝：{detail}"),
    "nothing_to_update": ("Give at least one field to change.", "请至少提供一个要修改的字段。"),
    "too_many_sources": (
        "Give either templateId, copyFromPlanId or indicators, not several (given: {given}).",
        "templateId、copyFromPlanId 和 indicators 只能提供其中一项（收到：{given}）。",
    ),
    "body_too_large": (
        "The request body is over {limit} bytes, the most this server accepts.",
        "请求体超过 {limit} 字节，超出服务器接受的上限。",
    ),
    "query_string_too_large": (
        "The URL's query string is over {limit} bytes, the most this server accepts.",
        "URL 查询字符串超过 {limit} 字节，超出服务器接受的上限。",
    ),
    "query_too_large": (
        "The GraphQL document is {size} bytes; at most {limit} bytes are accepted.",
        "GraphQL 文档为 {size} 字节，最多接受 {limit} 字节。",
    ),
    "text_nul": (
        "Text may not contain NUL characters (U+0000).",
        "文本不能包含 NUL 字符（U+0000）。",
    ),
    "text_surrogate": (
        "Text may not contain lone UTF-16 surrogates (\\ud800-\\udfff): send valid Unicode.",
        "文本不能包含孤立的 UTF-16 代理项（\\ud800-\\udfff），请发送有效的 Unicode 文本。",
    ),
    "ws_sign_in": (
        "Unauthorized: sign in first, then send authorization: Bearer <token> in connection_init.",
        "未授权：请先登录，并在 connection_init 中发送 authorization: Bearer <令牌>。",
    ),
    "query_invalid": ("{detail}", "请求无效：{detail}"),
    "internal": (
        "Something went wrong on our side. It has been logged (request {request_id}).",
        "服务器内部错误，已记录（请求 {request_id}）。",
    ),
}


# Evaluation and scoring keep their messages beside their code.
for _table in (
    ASSIGNMENT_MESSAGES,
    ACTUAL_MESSAGES,
    EVALUATION_MESSAGES,
    SCORE_MESSAGES,
    SCORING_SETTINGS_MESSAGES,
    REPORT_MESSAGES,
    FEEDBACK_MESSAGES,
    PEER_REVIEW_MESSAGES,
    BONUS_MESSAGES,
    NOTIFICATION_MESSAGES,
    REMINDER_MESSAGES,
    CALIBRATION_MESSAGES,
):
    if set(_table) & set(MESSAGES):
        raise RuntimeError(f"message keys defined twice: {sorted(set(_table) & set(MESSAGES))}")
    MESSAGES.update(_table)


def negotiate(accept_language: str | None) -> str:
    """Pick ``zh`` or ``en`` from an Accept-Language header, honouring q-values."""
    if not accept_language:
        return "en"
    ranked: list[tuple[float, int, str]] = []
    for index, part in enumerate(accept_language.split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        primary = tag.strip().lower().split("-")[0]
        if primary in SUPPORTED and quality > 0:
            ranked.append((-quality, index, primary))
    return min(ranked)[2] if ranked else "en"


def _localize_param(value: Any, table: dict[str, tuple[str, str]], lang: str) -> Any:
    if isinstance(value, str) and value in table:
        return table[value][1 if lang == "zh" else 0]
    return value


def translate(key: str, lang: str, **params: Any) -> str:
    english, chinese = MESSAGES.get(key, (key, key))
    template = chinese if lang == "zh" else english
    tables = {"object_type": OBJECT_NAMES, "expected": OBJECT_NAMES, "action": ACTION_NAMES}
    localized = {
        name: _localize_param(value, tables[name], lang) if name in tables else value
        for name, value in params.items()
    }
    if lang == "zh":
        for name in ("hint", "scope"):
            if isinstance(params.get(name), str):
                localized[name] = hint_zh(params[name]) or params[name]
    try:
        return template.format(**localized)
    except (KeyError, IndexError):
        return template
