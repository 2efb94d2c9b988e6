"""Page permissions beyond Wagtail's groups: what an editor may delete."""

from wagtail.models import PagePermissionTester


class EditorialPagePermissionTester(PagePermissionTester):
    """Wagtail lets anyone who may change a page delete it while it is not live, whoever wrote
    it and whatever review it passed. Here only those who may publish delete reviewed or
    colleagues' work; an editor deletes just their own drafts that never went out for review
    or live."""

    def can_delete(self, ignore_bulk=False):
        if not super().can_delete(ignore_bulk=ignore_bulk):
            return False
        if self.user.is_superuser or self.can_publish():
            return True
        page = self.page
        return (
            page.owner_id == self.user.pk
            and page.first_published_at is None
            and not page.workflow_in_progress
            and not page.approved_schedule
        )


class EditorialPermissionsMixin:
    """For page types editors write: deletion as EditorialPagePermissionTester allows."""

    def permissions_for_user(self, user):
        return EditorialPagePermissionTester(user, self)
