"""The admin's image form (WAGTAILIMAGES_IMAGE_FORM_BASE): a file is decoded in full before it
is stored.

Wagtail recognises an image by its first bytes and asks Pillow only for its size; a file that
merely starts like a GIF or PNG makes Pillow raise there (a 500), and a truncated JPEG or GIF
passes and fails later, when a page asks for a rendition.
"""

from django.core.exceptions import ValidationError
from PIL import Image as PILImage
from wagtail.images.fields import WagtailImageField
from wagtail.images.forms import BaseImageForm

NOT_AN_IMAGE = "“%(name)s”不是可以打开的图片（文件已损坏、不完整，或只是改了扩展名）。请上传 %(formats)s 格式的图片。"
# What Pillow raises for a file it cannot read: UnidentifiedImageError and "image file is
# truncated" are OSErrors; a bad header can also give SyntaxError, ValueError or EOFError.
UNREADABLE = (OSError, SyntaxError, ValueError, EOFError)


class CheckedImageField(WagtailImageField):
    def to_python(self, data):
        try:
            f = super().to_python(data)
            if f is not None:
                _decode(f)
        except UNREADABLE as error:
            formats = "、".join(extension.upper() for extension in self.allowed_image_extensions)
            raise ValidationError(
                NOT_AN_IMAGE, code="invalid_image", params={"name": data.name, "formats": formats}
            ) from error
        return f


def _decode(f):
    """Every frame's pixels, as a rendition will need them (the pixel limit is checked before)."""
    f.seek(0)
    try:
        with PILImage.open(f) as image:
            for frame in range(getattr(image, "n_frames", 1)):
                image.seek(frame)
                image.load()
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
