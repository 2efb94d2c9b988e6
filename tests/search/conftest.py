"""Fixtures the search tests share."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from portal.editorial import REVIEWERS


@pytest.fixture
def reviewer(client):
    """A reviewer, signed in: the search reports and the alias form are theirs."""
    user = get_user_model().objects.create_user("log-reviewer", "log-reviewer@example.com", "x")
    user.groups.add(Group.objects.get(name=REVIEWERS))
    client.force_login(user)
    return user
