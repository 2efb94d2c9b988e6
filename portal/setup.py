"""What the site needs to exist: home page, Site record, case library, training section,
vocabularies, groups and the review workflow."""

from django.conf import settings
from django.db import transaction
from wagtail.models import Page, Site

from cases.fixtures import load_vocabularies
from cases.models import CaseIndexPage, TrainingIndexPage

from .editorial import setup_editorial
from .models import HomePage

HOME_TITLE = "基层党建典型案例库"
# Wagtail's migrations name the tree's root "Root"; the admin's page choosers show it by name.
ROOT_TITLE = "全部页面"
# The sections editors work in, each created once under the home page.
SECTIONS = [
    (CaseIndexPage, "案例库", "cases", "<p>每个案例都来自公开的原始材料，数字和说法均照录原文。</p>"),
    (TrainingIndexPage, "培训专题", "training", "<p>为培训课程精选的案例组合，可打印或下载 Word 讲义。</p>"),
]


@transaction.atomic
def setup_portal(hostname="localhost", port=80):
    """Create what is missing and leave what exists; returns a list of what it created."""
    created = []
    root = Page.get_first_root_node()
    if root.title != ROOT_TITLE:
        Page.objects.filter(pk=root.pk).update(title=ROOT_TITLE, draft_title=ROOT_TITLE)
        root.refresh_from_db()
        created.append("根页面名称")
    home = HomePage.objects.first()
    if home is None:
        # Wagtail's migrations leave a placeholder "Welcome" page holding the slug we want.
        Page.objects.filter(depth=2, slug="home", content_type__model="page").delete()
        root.refresh_from_db()
        home = root.add_child(
            instance=HomePage(
                title=HOME_TITLE,
                slug="home",
                intro="<p>汇集全国各地基层党建工作的典型案例，按地区、主题和针对难题整理，供学习借鉴。</p>",
            )
        )
        created.append("首页")

    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        Site.objects.create(hostname=hostname, port=port, root_page=home, site_name=HOME_TITLE, is_default_site=True)
        created.append("站点")
    elif site.root_page_id != home.pk or site.site_name != HOME_TITLE:
        site.root_page, site.site_name = home, HOME_TITLE
        site.save()
        created.append("站点设置")

    sections = []
    for model, title, slug, intro in SECTIONS:
        section = model.objects.first()
        if section is None:
            section = home.add_child(instance=model(title=title, slug=slug, intro=intro))
            created.append(title)
        sections.append(section)

    if load_vocabularies(settings.FIXTURES_DIR / "vocabularies.yaml"):
        created.append("分类词表")
    created += setup_editorial(sections)
    return created
