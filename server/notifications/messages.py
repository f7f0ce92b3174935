"""User-facing messages of notifications, merged into server.i18n.MESSAGES: the errors of
this package and the texts of digests (the reminder rules bring their own message keys)."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    # key: (English, 简体中文)
    "notifications.subject_reminder": ("Jixiao reminder", "绩效提醒"),
    "notifications.subject_alert": ("Jixiao alert", "绩效告警"),
    "notifications.digest_subject": (
        "Jixiao: {count} notifications today",
        "绩效系统：今日 {count} 条通知",
    ),
    "notifications.digest_intro": (
        "Your notifications of the day:",
        "您今天的通知：",
    ),
    "notifications.test_due": (
        "{name} is due.",
        "{name} 即将到期。",
    ),
    "notifications.test_message": (
        "Test message from Jixiao: the channel works.",
        "绩效系统测试消息：该通道可以正常使用。",
    ),
    "notification_channel_setting": (
        "{channel} has no setting {name}; its settings are {known}.",
        "{channel} 没有设置项 {name}；可用设置项为 {known}。",
    ),
    "notification_channel_required": (
        "{channel} needs {name} before it can be enabled.",
        "{channel} 需要先设置 {name} 才能启用。",
    ),
    "notification_digest_hour": (
        "The digest hour is 0 to 23; {hour} is not one.",
        "摘要发送时间应为 0 到 23 点；{hour} 无效。",
    ),
    "notification_retry_state": (
        "Only a failed delivery can be retried; this one is {state}.",
        "只有发送失败的通知才能重试；该通知当前状态为 {state}。",
    ),
    "notification_bad_url": (
        "{name} must be an http(s) URL.",
        "{name} 必须是 http(s) 网址。",
    ),
}
