"""Issue 24: editors and reviewers upload images and documents through the real admin forms;
broken files and files over the limits are refused in Chinese, never with a 500."""

import io
import json
import re

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Collection, GroupCollectionPermission, UploadedFile

from portal.editorial import EDITORS, REVIEWERS
from portal.setup import setup_portal

pytestmark = pytest.mark.django_db

HAN = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def member_of(group):
    user = get_user_model().objects.create_user(f"{group}-uploader", password="x")
    user.groups.add(Group.objects.get(name=group))
    client = Client()
    client.force_login(user)
    return client


def png(name="会议.png", size=(40, 30)):
    data = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(data, "PNG")
    return SimpleUploadedFile(name, data.getvalue(), content_type="image/png")


def image_fields(**overrides):
    return {"title": "村党支部会议", "description": "党员围坐开会", "source": "", "credit": "", **overrides}


def errors_of(response):
    return " ".join(response.context["form"].errors.get("file", []))


@pytest.mark.parametrize("group", [EDITORS, REVIEWERS])
def test_editors_and_reviewers_upload_an_image_with_the_admin_form(group):
    client = member_of(group)
    assert client.get("/admin/images/add/").status_code == 200
    response = client.post("/admin/images/add/", {**image_fields(), "file": png()})
    assert response.status_code == 302, response.content.decode()[:500]
    image = get_image_model().objects.get(title="村党支部会议")
    assert (image.width, image.height) == (40, 30)
    assert image.uploaded_by_user.groups.filter(name=group).exists()


@pytest.mark.parametrize("group", [EDITORS, REVIEWERS])
def test_the_image_chooser_offers_and_accepts_an_upload(group):
    client = member_of(group)
    chooser = client.get("/admin/images/chooser/")
    assert chooser.status_code == 200
    assert "/admin/images/chooser/create/" in json.loads(chooser.content)["html"]
    response = client.post(
        "/admin/images/chooser/create/",
        {"image-chooser-upload-" + k: v for k, v in image_fields().items()} | {"image-chooser-upload-file": png()},
    )
    assert response.status_code == 200
    assert json.loads(response.content)["step"] == "chosen"
    assert get_image_model().objects.filter(title="村党支部会议").exists()


def cut_short(kind):
    """A real photo-like image in `kind`, its last two thirds cut off."""
    data = io.BytesIO()
    Image.effect_noise((400, 300), 60).convert("RGB").save(data, kind)
    return data.getvalue()[: data.tell() // 3]


@pytest.mark.parametrize(
    "name, content",
    [
        ("伪装.gif", b"GIF89a" + b"\x00\xff" * 200),
        ("截断.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 30),
        ("文本.jpg", "这不是图片".encode()),
        ("不完整.jpg", cut_short("JPEG")),
        ("不完整.gif", cut_short("GIF")),
        ("不完整.png", cut_short("PNG")),
    ],
)
def test_a_file_that_is_not_really_an_image_is_refused_in_chinese(name, content):
    client = member_of(REVIEWERS)
    upload = SimpleUploadedFile(name, content, content_type="image/gif")
    response = client.post("/admin/images/add/", {**image_fields(), "file": upload})
    assert response.status_code == 200
    message = errors_of(response)
    assert HAN.search(message), message
    assert not get_image_model().objects.filter(title="村党支部会议").exists()


@pytest.mark.parametrize("group", [EDITORS, REVIEWERS])
def test_the_multiple_upload_page_the_images_index_links_to_works_too(group):
    client = member_of(group)
    assert client.get("/admin/images/multiple/add/").status_code == 200
    response = client.post("/admin/images/multiple/add/", {"files[]": png("村部.png")})
    assert json.loads(response.content)["success"] is True
    broken = SimpleUploadedFile("不完整.jpg", cut_short("JPEG"), content_type="image/jpeg")
    response = client.post("/admin/images/multiple/add/", {"files[]": broken})
    payload = json.loads(response.content)
    assert payload["success"] is False and HAN.search(payload["error_message"]), payload
    # The good file waits for its required alternative text (Wagtail's UploadedFile); the broken
    # one is stored nowhere.
    assert [upload.file.name.rsplit("/", 1)[-1] for upload in UploadedFile.objects.all()] == ["村部.png"]


def test_a_broken_image_in_the_chooser_is_refused_too():
    client = member_of(EDITORS)
    upload = SimpleUploadedFile("伪装.gif", b"GIF89a" + b"\x00" * 100, content_type="image/gif")
    response = client.post(
        "/admin/images/chooser/create/",
        {"image-chooser-upload-" + k: v for k, v in image_fields().items()} | {"image-chooser-upload-file": upload},
    )
    assert response.status_code == 200
    assert json.loads(response.content)["step"] == "reshow_creation_form"


def test_documents_over_the_limit_are_refused_in_chinese():
    client = member_of(EDITORS)
    limit = settings.WAGTAILDOCS_MAX_UPLOAD_SIZE
    upload = SimpleUploadedFile("太大.pdf", b"%PDF-1.4\n" + b"0" * limit, content_type="application/pdf")
    response = client.post("/admin/documents/multiple/add/", {"files[]": upload, "title": "太大"})
    assert response.status_code == 200
    payload = json.loads(response.content)
    assert payload["success"] is False
    assert HAN.search(payload["error_message"]), payload["error_message"]
    assert not get_document_model().objects.exists()


def test_documents_under_the_limit_are_stored():
    client = member_of(EDITORS)
    upload = SimpleUploadedFile("做法.pdf", b"%PDF-1.4\n" + b"0" * 1000, content_type="application/pdf")
    response = client.post("/admin/documents/add/", {"title": "做法", "file": upload, "collection": 1})
    assert response.status_code == 302, response.content.decode()[:500]
    assert get_document_model().objects.filter(title="做法").exists()


def test_setup_drops_grants_on_the_image_model_and_keeps_an_administrators_own():
    group, root = Group.objects.get(name=EDITORS), Collection.get_first_root_node()
    image_type = ContentType.objects.get_for_model(get_image_model())
    stale = Permission.objects.get(content_type=image_type, codename="add_portalimage")
    granted_in_the_admin = Permission.objects.get(content_type__app_label="wagtailimages", codename="delete_image")
    for permission in (stale, granted_in_the_admin):
        GroupCollectionPermission.objects.create(group=group, collection=root, permission=permission)
    setup_portal()
    codenames = set(
        GroupCollectionPermission.objects.filter(group=group).values_list("permission__codename", flat=True)
    )
    assert "add_portalimage" not in codenames
    assert {"add_image", "choose_image", "delete_image"} <= codenames
