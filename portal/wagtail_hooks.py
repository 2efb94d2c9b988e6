from wagtail import hooks
from wagtail.admin.views.home import WorkflowObjectsToModeratePanel

from .dashboard import EditorWorkPanel, ReviewQueuePanel


@hooks.register("construct_homepage_panels")
def editorial_panels(request, panels):
    panels[:] = [ReviewQueuePanel() if type(panel) is WorkflowObjectsToModeratePanel else panel for panel in panels]
    panels.append(EditorWorkPanel())
