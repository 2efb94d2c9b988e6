"""System checks of a deployment, in Chinese, for the people who run it.

Registered as deployment checks: `check --deploy` and the WSGI start-up (portal/wsgi.py) run
them; `migrate` and `collectstatic` never do, so they cannot block the command that fixes them.
"""

from django.conf import settings
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core import checks

TAG = "portal_deployment"


@checks.register(TAG, deploy=True)
def static_files_collected(app_configs, **kwargs):
    """With a manifest storage every {% static %} looks its file up in the manifest; without
    one, every page is a 500."""
    manifest_name = getattr(staticfiles_storage, "manifest_name", None)
    if manifest_name is None or staticfiles_storage.manifest_storage.exists(manifest_name):
        return []
    return [
        checks.Error(
            f"静态文件尚未收集：{settings.STATIC_ROOT} 里没有 {manifest_name}，此时每个页面都会出错（500）。",
            hint="请先运行 make production（或在生产设置下运行 python manage.py collectstatic --noinput），再启动服务。",
            id="portal.E001",
        )
    ]


def deployment_errors():
    """The messages of this module's failed checks (for the WSGI start-up)."""
    return [
        f"{problem.msg} {problem.hint}"
        for problem in checks.run_checks(tags=[TAG], include_deployment_checks=True)
        if problem.level >= checks.ERROR
    ]
