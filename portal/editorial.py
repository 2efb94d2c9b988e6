"""Who may do what: the 编辑, 审核人 and 培训师 groups, their permissions, and the 案例审核
workflow.

Editors write and submit cases and training collections; trainers write and submit training
collections only; only reviewers publish, unpublish and change the vocabularies.
Everything is created if missing and corrected if it drifted, so running it twice changes
nothing.
"""

from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from wagtail.contrib.search_promotions.models import SearchPromotion
from wagtail.images import get_image_model
from wagtail.models import (
    Collection,
    GroupApprovalTask,
    GroupCollectionPermission,
    GroupPagePermission,
    Page,
    Task,
    TaskState,
    Workflow,
    WorkflowPage,
    WorkflowTask,
)

from cases.models import ReviewTask, TrainingIndexPage
from cases.taxonomy import Domain, Problem, Region, Theme
from search.log.models import SearchLog

EDITORS = "编辑"
REVIEWERS = "审核人"
TRAINERS = "培训师"
GROUPS = (EDITORS, REVIEWERS, TRAINERS)
WORKFLOW_NAME = "案例审核"
TASK_NAME = "审核人审核"
# What Wagtail's own migrations create for a site without a workflow of its own: English-named,
# unused here (nobody is in these groups, and the root's workflow would hold pages for them).
WAGTAIL_DEFAULT_WORKFLOW = "Moderators approval"
WAGTAIL_DEFAULT_GROUPS = ("Moderators", "Editors")

# Page permissions on each editorial section (and everything below it) a group works in.
PAGE_PERMISSIONS = {
    EDITORS: ["add_page", "change_page"],
    REVIEWERS: ["add_page", "change_page", "publish_page", "lock_page", "unlock_page"],
    TRAINERS: ["add_page", "change_page"],
}
# Trainers work in the training section only; the others in every section.
TRAINER_SECTIONS = (TrainingIndexPage,)
# Permissions on the root collection, for images and documents. Wagtail checks images against
# its own `wagtailimages.Image` permissions whatever the image model (here portal.PortalImage).
WRITERS_COLLECTION_PERMISSIONS = [
    "wagtailimages.add_image",
    "wagtailimages.choose_image",
    "wagtaildocs.add_document",
    "wagtaildocs.choose_document",
]
COLLECTION_PERMISSIONS = {
    EDITORS: WRITERS_COLLECTION_PERMISSIONS,
    TRAINERS: WRITERS_COLLECTION_PERMISSIONS,
    REVIEWERS: [
        "wagtailimages.add_image",
        "wagtailimages.change_image",
        "wagtailimages.choose_image",
        "wagtaildocs.add_document",
        "wagtaildocs.change_document",
        "wagtaildocs.choose_document",
    ],
}
VOCABULARIES = (Region, Domain, Theme, Problem)


def _permission(dotted):
    app_label, codename = dotted.split(".")
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


def _model_permissions(model, actions):
    content_type = ContentType.objects.get_for_model(model)
    return [
        Permission.objects.get(content_type=content_type, codename=f"{action}_{model._meta.model_name}")
        for action in actions
    ]


@transaction.atomic
def setup_editorial(sections):
    """Groups, permissions and the review workflow on the `sections` (pages whose subtrees
    editors work in: the case library, the training section); returns what it created."""
    created = []
    page_type = ContentType.objects.get_for_model(Page)
    admin_access = Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")
    root_collection = Collection.get_first_root_node()
    image_model_type = ContentType.objects.get_for_model(get_image_model())
    groups = {}
    for name in GROUPS:
        group, is_new = Group.objects.get_or_create(name=name)
        groups[name] = group
        if is_new:
            created.append(f"用户组“{name}”")
        # Reviewers keep the vocabularies, read the search reports (search/log/) and promote
        # answers to searches (search/promotions.py).
        reviewing = (
            []
            if name != REVIEWERS
            else [
                *(
                    permission
                    for model in VOCABULARIES
                    for permission in _model_permissions(model, ("add", "change", "delete"))
                ),
                *_model_permissions(SearchLog, ("view",)),
                *_model_permissions(SearchPromotion, ("add", "change", "delete")),
            ]
        )
        group.permissions.set([admin_access, *reviewing])
        wanted = {
            Permission.objects.get(content_type=page_type, codename=codename) for codename in PAGE_PERMISSIONS[name]
        }
        for section in sections:
            works_here = name != TRAINERS or isinstance(section.specific, TRAINER_SECTIONS)
            kept = wanted if works_here else set()
            GroupPagePermission.objects.filter(group=group, page=section).exclude(permission__in=kept).delete()
            for permission in kept:
                GroupPagePermission.objects.get_or_create(group=group, page=section, permission=permission)
        # Grants on the image model itself are never checked (see COLLECTION_PERMISSIONS): any
        # left by an earlier setup go; grants an administrator added in the admin stay.
        GroupCollectionPermission.objects.filter(
            group=group, collection=root_collection, permission__content_type=image_model_type
        ).delete()
        for dotted in COLLECTION_PERMISSIONS[name]:
            GroupCollectionPermission.objects.get_or_create(
                group=group, collection=root_collection, permission=_permission(dotted)
            )

    task = ReviewTask.objects.filter(name=TASK_NAME).first()
    if task is None:
        task = ReviewTask.objects.create(name=TASK_NAME)
    task.groups.set([groups[REVIEWERS]])
    workflow, is_new = Workflow.objects.get_or_create(name=WORKFLOW_NAME, defaults={"active": True})
    if is_new:
        created.append(f"审核流程“{WORKFLOW_NAME}”")
    _replace_plain_approval(workflow, task)
    WorkflowTask.objects.get_or_create(workflow=workflow, task=task, defaults={"sort_order": 0})
    for section in sections:
        WorkflowPage.objects.update_or_create(page=section, defaults={"workflow": workflow})
    _retire_wagtail_defaults()
    return created


def _replace_plain_approval(workflow, task):
    """Sites set up before the review checked what it approves had Wagtail's plain group approval
    as this step (by this name, or renamed but for the reviewers alone): this workflow's reviews
    waiting on it move to `task`, and it leaves the workflow (and is retired once no other
    workflow uses it)."""
    plain = ContentType.objects.get_for_model(GroupApprovalTask)
    reviewers = set(task.groups.values_list("pk", flat=True))
    for step in WorkflowTask.objects.filter(workflow=workflow, task__content_type=plain).select_related("task"):
        old = step.task.specific
        if old.name != TASK_NAME and set(old.groups.values_list("pk", flat=True)) != reviewers:
            continue  # a step an administrator added, for other approvers
        TaskState.objects.filter(
            task=old, workflow_state__workflow=workflow, status=TaskState.STATUS_IN_PROGRESS
        ).update(task=task)
        if WorkflowTask.objects.filter(workflow=workflow, task=task).exists():
            step.delete()
        else:
            WorkflowTask.objects.filter(pk=step.pk).update(task=task)
        if not WorkflowTask.objects.filter(task=old).exists():
            old.deactivate()


def _retire_wagtail_defaults():
    """Wagtail's default workflow and task made inactive, its default groups deleted while no one
    is in them: the admin then lists only the portal's own, in Chinese. Renamed ones are kept."""
    for default in Workflow.objects.filter(name=WAGTAIL_DEFAULT_WORKFLOW, active=True):
        default.deactivate()
    for default in Task.objects.filter(name=WAGTAIL_DEFAULT_WORKFLOW, active=True):
        default.deactivate()
    Group.objects.filter(name__in=WAGTAIL_DEFAULT_GROUPS, user__isnull=True).delete()
