"""A small HTTP client for servers started by these tests.

TLS ends in front of nginx in production (or in nginx with a certificate); here every request
says so with X-Forwarded-Proto: https, and cookies are kept whatever their Secure flag.
"""

from urllib.parse import quote, urlsplit

import urllib3


class Reader:
    def __init__(self, base):
        self.base = base
        self.host = urlsplit(base).netloc
        self.cookies = {}
        self.pool = urllib3.PoolManager(retries=False, timeout=urllib3.Timeout(total=60))

    def request(self, method, path, fields=None, headers=None, multipart=False, body=None):
        sent = {"X-Forwarded-Proto": "https", "Accept-Language": "zh-CN,zh;q=0.9", **(headers or {})}
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        if method == "POST":
            sent.setdefault("Origin", f"https://{self.host}")
            sent.setdefault("Referer", f"https://{self.host}{path}")
        url = self.base + quote(path, safe="/?=&%:;+,")
        if fields is not None:
            response = self.pool.request(
                method, url, fields=fields, headers=sent, redirect=False, encode_multipart=multipart
            )
        else:
            response = self.pool.request(method, url, body=body, headers=sent, redirect=False)
        for cookie in response.headers.getlist("Set-Cookie"):
            name, _, value = cookie.split(";", 1)[0].partition("=")
            if value and "max-age=0" not in cookie.lower():
                self.cookies[name.strip()] = value
            else:
                self.cookies.pop(name.strip(), None)
        return response

    def get(self, path, **kwargs):
        return self.request("GET", path, **kwargs)

    def post(self, path, fields, **kwargs):
        token = self.cookies.get("csrftoken")
        if token:
            fields = {"csrfmiddlewaretoken": token, **fields}
        return self.request("POST", path, fields=fields, **kwargs)

    def text(self, path):
        response = self.get(path)
        return response.status, response.data.decode("utf-8", "replace")

    def log_in(self, username, password):
        assert self.get("/admin/login/").status == 200
        response = self.post("/admin/login/", {"username": username, "password": password, "next": "/admin/"})
        assert response.status == 302 and response.headers["Location"] == "/admin/", response.data[:500]
        return self
