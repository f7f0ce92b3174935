"""Built-in notification channels: e-mail over SMTP (``email``), the WeCom group robot
(``wecom_robot``) and the DingTalk robot (``dingtalk_robot``). Each is a plugin implementing
``jixiao_deliver_notification`` for its one channel; the tenant's configuration comes in
``Notification.settings``. docs/notifications.md describes the settings.
"""
