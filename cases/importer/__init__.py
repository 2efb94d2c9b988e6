"""Importing a case from a scraped web page, a text file, a Word/WPS document or a PDF into
draft cases.

decode (bytes → text lines; PDF and old Word files through converted.py) → clean (remove page noise, re-paragraph) → structure (title, place,
years, sections, figures, vocabulary) → create (draft CasePages, one transaction). The admin
view and `manage.py import_case` both call `create.import_documents`.
"""


class DocumentError(Exception):
    """A document that cannot be imported; the message is for the editor, in Chinese, and
    `case` the existing case it repeats, if that is why."""

    def __init__(self, message, case=None):
        super().__init__(message)
        self.case = case
