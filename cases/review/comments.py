"""A refused approval's comment, carried to the page that hands it back.

It travels in the address (Wagtail's approval gives the task no request to keep it in a session),
so it is signed for the reviewer who typed it, lest a link put words in the page, and compressed,
so that a long comment stays within the request line a server accepts.
"""

from django.core import signing

SALT = "cases.review.comment"
# Well inside the 4,094-byte request line of gunicorn's default, with the path before it.
MAX_TOKEN = 3500
# More than the longest comment that compresses into a token: cut before the search for the cut.
MAX_TRIED = 4000


def carried_comment(comment, user):
    """A token holding `comment` for `user`, its end cut off if it would not fit."""
    kept = comment[:MAX_TRIED]
    while True:
        token = signing.dumps({"user": user.pk, "comment": kept, "whole": kept == comment}, salt=SALT, compress=True)
        if len(token) <= MAX_TOKEN:
            return token
        kept = kept[: len(kept) * 9 // 10]


def handed_back(token, user):
    """(comment, whether it is whole) from a token made for `user`; ("", True) for any other."""
    try:
        data = signing.loads(token, salt=SALT)
    except signing.BadSignature:
        return "", True
    if data.get("user") != user.pk:
        return "", True
    return data.get("comment", ""), data.get("whole", True)
