"""The content types.  ``MARKDOWN_TYPES`` maps a content folder to its type."""
from . import agreement, news, page, policy

MARKDOWN_TYPES = {t.folder: t for t in (news.TYPE, policy.TYPE, agreement.TYPE, page.TYPE)}
BY_NAME = {t.name: t for t in MARKDOWN_TYPES.values()}


def type_for_path(relpath: str):
    """The ContentType of a file given its path relative to content/, or None."""
    first = relpath.replace("\\", "/").split("/", 1)[0]
    return MARKDOWN_TYPES.get(first)
