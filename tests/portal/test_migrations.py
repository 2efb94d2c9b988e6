"""The models and their migrations agree: no change is left without its migration."""

import io

import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_no_model_change_lacks_a_migration():
    out = io.StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out)  # exits 1 (SystemExit) if one is missing
    assert "No changes detected" in out.getvalue()
