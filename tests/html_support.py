"""Reading elements out of a page (this module holds no tests): the text of an element by
id, and every element's attributes, with the standard library's HTML parser."""

from __future__ import annotations

from html.parser import HTMLParser

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr"}


BLOCKS = {"td", "th", "tr", "p", "li", "div", "section", "dt", "dd", "br"}


class _Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.open: list[dict] = []  # elements being read: tag, attrs, text parts
        self.found: list[dict] = []

    def handle_starttag(self, tag, attrs):
        if tag in BLOCKS:  # a cell or a paragraph starts a new word
            for element in self.open:
                element["text"].append(" ")
        element = {"tag": tag, "attrs": dict(attrs), "text": [],
                   "within": [e["attrs"].get("id") for e in self.open if e["attrs"].get("id")]}
        self.found.append(element)
        if tag not in VOID:
            self.open.append(element)

    def handle_endtag(self, tag):
        for i in range(len(self.open) - 1, -1, -1):
            if self.open[i]["tag"] == tag:
                del self.open[i:]
                break

    def handle_data(self, data):
        for element in self.open:
            element["text"].append(data)


def elements(html: str | bytes) -> list[dict]:
    if isinstance(html, bytes):
        html = html.decode()
    parser = _Elements()
    parser.feed(html)
    parser.close()
    for element in parser.found:
        element["text"] = " ".join("".join(element["text"]).split())
    return parser.found


def by_id(html: str | bytes, element_id: str) -> list[dict]:
    """Every element with this id (an out-of-band fragment may repeat an id)."""
    return [e for e in elements(html) if e["attrs"].get("id") == element_id]


def text_of(html: str | bytes, element_id: str) -> str | None:
    """The whitespace-collapsed text of the one element with this id, None if none."""
    found = by_id(html, element_id)
    assert len(found) <= 1, f"{len(found)} elements with id {element_id}"
    return found[0]["text"] if found else None


def by_class(html: str | bytes, name: str) -> list[dict]:
    return [e for e in elements(html) if name in e["attrs"].get("class", "").split()]


def texts_of(html: str | bytes, tag: str, *names: str) -> list[str]:
    """The texts of every `tag` element that has all the classes `names`, in page order."""
    return [e["text"] for e in elements(html) if e["tag"] == tag
            and set(names) <= set(e["attrs"].get("class", "").split())]
