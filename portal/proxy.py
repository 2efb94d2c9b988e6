"""The reader's address behind the web server in front (deploy/nginx/portal.conf).

Behind nginx every connection comes from 127.0.0.1, so login throttling (django-axes) would
lock an account out for everyone after five wrong passwords from anyone. nginx sets X-Real-IP
to the address it was connected from (with its realip module behind a load balancer: the
reader's); in production gunicorn listens on loopback only, so nothing else can set it.
"""


def client_address(request):
    return request.META.get("HTTP_X_REAL_IP") or request.META.get("REMOTE_ADDR")
