"""The admin's sign-in form (WAGTAILADMIN_USER_LOGIN_FORM)."""

from wagtail.admin.forms.auth import LoginForm


class PortalLoginForm(LoginForm):
    """Wagtail's, whose password field has no label of its own: Django then shows its English
    field name, "Password", whatever the language."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["password"].label = "密码"
        self.fields["password"].widget.attrs["placeholder"] = "请输入密码"  # as the username's reads
