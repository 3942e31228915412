"""Hardened parsing of the XML WeChat posts to /wx.

WeChat's messages are flat <xml> documents without a DOCTYPE. Anything carrying a DOCTYPE or an entity
declaration is refused *before* the parser sees it, so XXE (external entities) and billion-laughs
(nested internal entities) never get a chance to expand: the refusal costs one substring search.
Message format: https://developers.weixin.qq.com/doc/offiaccount/Message_Management/Receiving_standard_messages.html
"""

from __future__ import annotations

import re
from xml.etree.ElementTree import ParseError, XMLParser

_FORBIDDEN = re.compile(r"<!\s*(DOCTYPE|ENTITY|ELEMENT|ATTLIST)", re.IGNORECASE)
MAX_FIELDS = 200  # a real message has fewer than 30 fields


class XmlRefused(ValueError):
    """The body is not a plain WeChat XML message (malformed, DOCTYPE/entities, not UTF-8)."""


def parse_message_xml(raw: bytes | str) -> dict[str, str]:
    """Return the <xml> document's child elements as {tag: text}; nested elements are flattened.

    Nested structures (e.g. SendPicsInfo, ScanCodeInfo) keep their leaf values under the leaf tag,
    which is all the handlers need.
    """
    if isinstance(raw, bytes):
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise XmlRefused("body is not UTF-8") from exc
    else:
        text = raw
    if _FORBIDDEN.search(text):
        raise XmlRefused("DOCTYPE or entity declarations are not allowed")
    # The encoding declaration is irrelevant once decoded; expat would reject a mismatch.
    text = re.sub(r"^\s*<\?xml[^>]*\?>", "", text, count=1)
    parser = XMLParser()  # noqa: S314 - DOCTYPE/entities refused above, so nothing can expand
    try:
        parser.feed(text)
        root = parser.close()
    except ParseError as exc:
        raise XmlRefused(f"malformed XML: {exc}") from exc
    if root.tag != "xml":
        raise XmlRefused("the root element must be <xml>")
    fields: dict[str, str] = {}
    for element in root.iter():
        if element is root or len(element):
            continue
        fields.setdefault(element.tag, (element.text or "").strip())
        if len(fields) > MAX_FIELDS:
            raise XmlRefused("too many fields")
    return fields
