import os
import secrets

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "创建演示用的管理员账号（已存在则不改动）；密码取自 DEMO_ADMIN_PASSWORD，否则随机生成并只显示一次。"

    def handle(self, *args, **options):
        User = get_user_model()
        if User.objects.filter(username="admin").exists():
            self.stdout.write("管理员账号 admin 已存在，密码未改动。")
            return
        password = os.environ.get("DEMO_ADMIN_PASSWORD") or secrets.token_urlsafe(12)
        User.objects.create_superuser("admin", "admin@example.com", password)
        shown = "（来自 DEMO_ADMIN_PASSWORD）" if os.environ.get("DEMO_ADMIN_PASSWORD") else password
        self.stdout.write(f"已创建管理员账号：用户名 admin，密码 {shown}")
