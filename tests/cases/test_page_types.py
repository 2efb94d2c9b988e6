from wagtail.models import Page
from wagtail.test.utils import WagtailPageTestCase

from cases.models import CaseIndexPage, CasePage
from portal.models import HomePage
from tests.admin_forms import case_form_data


class PageTypeRulesTests(WagtailPageTestCase):
    def test_case_library_lives_under_home(self):
        self.assertAllowedParentPageTypes(CaseIndexPage, {HomePage})
        self.assertCanCreateAt(HomePage, CaseIndexPage)

    def test_cases_only_in_a_case_library(self):
        self.assertAllowedParentPageTypes(CasePage, {CaseIndexPage})
        self.assertAllowedSubpageTypes(CaseIndexPage, {CasePage})
        self.assertCanNotCreateAt(HomePage, CasePage)
        self.assertAllowedSubpageTypes(CasePage, set())

    def test_home_page_only_under_root(self):
        self.assertAllowedParentPageTypes(HomePage, {Page})

    def test_seed_case_renders_and_is_editable(self):
        case = CasePage.objects.get(slug="wuchang-1-3")
        self.assertPageIsRenderable(case)
        self.assertPageIsEditable(case, post_data=case_form_data(case))
        self.assertPageIsPreviewable(case, post_data=case_form_data(case))
