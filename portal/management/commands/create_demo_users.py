import os
import secrets

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand

from portal.editorial import EDITORS, REVIEWERS, TRAINERS

# username, role shown, group (None: superuser), environment variable with the password
DEMO_USERS = [
    ("admin", "管理员", None, "DEMO_ADMIN_PASSWORD"),
    ("bianji", "编辑", EDITORS, "DEMO_EDITOR_PASSWORD"),
    ("shenhe", "审核人", REVIEWERS, "DEMO_REVIEWER_PASSWORD"),
    ("peixun", "培训师", TRAINERS, "DEMO_TRAINER_PASSWORD"),
]


class Command(BaseCommand):
    help = "创建演示账号：管理员、编辑、审核人、培训师（已存在则不改动）；密码取自环境变量，否则随机生成并只显示一次。"

    def handle(self, *args, **options):
        User = get_user_model()
        for username, role, group_name, variable in DEMO_USERS:
            if User.objects.filter(username=username).exists():
                self.stdout.write(f"{role}账号 {username} 已存在，密码未改动。")
                continue
            password = os.environ.get(variable) or secrets.token_urlsafe(12)
            email = f"{username}@example.com"
            # The admin shows a user's full name where there is one: 演示编辑, not bianji.
            names = {"first_name": f"演示{role}"}
            if group_name is None:
                User.objects.create_superuser(username, email, password, **names)
            else:
                user = User.objects.create_user(username, email, password, **names)
                user.groups.add(Group.objects.get(name=group_name))
            shown = f"（来自 {variable}）" if os.environ.get(variable) else password
            self.stdout.write(f"已创建{role}账号：用户名 {username}，密码 {shown}")
