"""The admin's image form (WAGTAILIMAGES_IMAGE_FORM_BASE): a file is checked as an image
through and through before it is stored.

Wagtail recognises an image by its first bytes and then asks Pillow for its size; a file that
merely starts like a GIF or PNG makes Pillow raise, which Wagtail does not catch (a 500).
"""

from django.core.exceptions import ValidationError
from PIL import Image as PILImage
from wagtail.images.fields import WagtailImageField
from wagtail.images.forms import BaseImageForm

NOT_AN_IMAGE = "“%(name)s”不是可以打开的图片（文件已损坏，或只是改了扩展名）。请上传 %(formats)s 格式的图片。"
# What Pillow raises for a file it cannot read: UnidentifiedImageError is an OSError; a bad
# header can also give SyntaxError, ValueError or EOFError.
UNREADABLE = (OSError, SyntaxError, ValueError, EOFError)


class CheckedImageField(WagtailImageField):
    def check_image_pixel_size(self, f):
        try:
            super().check_image_pixel_size(f)
            _verify(f)
        except UNREADABLE as error:
            formats = "、".join(extension.upper() for extension in self.allowed_image_extensions)
            raise ValidationError(
                NOT_AN_IMAGE, code="invalid_image", params={"name": f.name, "formats": formats}
            ) from error


def _verify(f):
    """Pillow's structural check of the whole file (chunks, checksums) without decoding pixels."""
    if f.image.format_name == "svg":
        return
    f.seek(0)
    try:
        with PILImage.open(f) as image:
            image.verify()
    finally:
        f.seek(0)


class PortalImageForm(BaseImageForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        stock = self.fields.get("file")
        if stock is not None:
            self.fields["file"] = CheckedImageField(
                label=stock.label, required=stock.required, widget=stock.widget, help_text=stock.help_text
            )
