"""Bilingual messages. Vietnamese is the default language; English on request (``Accept-Language: en``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Lang = Literal["vi", "en"]
DEFAULT_LANG: Lang = "vi"


@dataclass(frozen=True, slots=True)
class Text:
    """One user-facing message in both languages."""

    vi: str
    en: str

    def __call__(self, lang: Lang) -> str:
        return self.en if lang == "en" else self.vi

    def format(self, **values: object) -> Text:
        return Text(self.vi.format(**values), self.en.format(**values))


def negotiate(accept_language: str | None, cookie_lang: str | None = None) -> Lang:
    """The first supported language in the header (by q-value), else a remembered choice, else Vietnamese."""
    if cookie_lang in ("vi", "en"):
        return cookie_lang  # type: ignore[return-value]
    if not accept_language:
        return DEFAULT_LANG
    ranked: list[tuple[float, int, str]] = []
    for position, part in enumerate(accept_language.split(",")):
        pieces = part.strip().split(";")
        tag = pieces[0].strip().lower()
        quality = 1.0
        for param in pieces[1:]:
            name, _, value = param.strip().partition("=")
            if name == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        ranked.append((-quality, position, tag.split("-")[0]))
    for neg_quality, _, primary in sorted(ranked):
        if neg_quality < 0 and primary in ("vi", "en"):
            return primary  # type: ignore[return-value]
    return DEFAULT_LANG
