"""Site-wide response headers."""

from csp.middleware import CSPMiddleware

# Wagtail's admin and its page previews rely on inline scripts; they keep Wagtail's own
# defences (login, CSRF, X-Frame-Options) rather than a policy they would break under.
ADMIN_PATHS = ("/admin/", "/django-admin/")


class PublicContentSecurityPolicyMiddleware(CSPMiddleware):
    """The Content-Security-Policy of settings.CONTENT_SECURITY_POLICY, on the public site."""

    def process_response(self, request, response):
        if request.path.startswith(ADMIN_PATHS):
            response._csp_exempt = True
        return super().process_response(request, response)
