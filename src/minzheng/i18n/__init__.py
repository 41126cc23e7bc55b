"""Every message a user sees, in Chinese and English, from one catalogue.

A message has an id (``"cli.validate.ok"``) and a text in each language, with named
fields filled in by :func:`text`: ``text("cli.validate.ok", "zh", file=…, units=3,
facts=12)``. Code that builds a message before it knows the language (an input
problem, raised deep in a loader) keeps a :class:`Msg`, the id and its fields, and the
command line renders it in the language the user chose.

The language a command speaks is ``--lang``, else :func:`default_lang`: the
``MINZHENG_LANG`` variable, else the locale (``LANG=zh_CN.UTF-8`` gives Chinese).
The catalogue itself is ``minzheng.i18n.CATALOGUE`` (id → Chinese, English); ``tests/test_i18n.py`` checks that every id
used anywhere has both texts, with the same fields.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Literal

from attrs import field, frozen

from minzheng.i18n._catalogue import CATALOGUE

__all__ = ["CATALOGUE", "LANGS", "LANG_ENV", "Lang", "Msg", "default_lang", "msg", "render", "text"]

#: The catalogue's languages, Chinese and English.
LANGS: tuple[str, ...] = ("zh", "en")
Lang = Literal["zh", "en"]
#: The environment variable that sets the language of every command.
LANG_ENV = "MINZHENG_LANG"
#: The locale variables, in the order gettext reads them.
_LOCALE_VARS = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")


def default_lang(environ: Mapping[str, str] | None = None) -> Lang:
    """The language when ``--lang`` is not given: ``$MINZHENG_LANG`` when it is ``zh``
    or ``en``, else Chinese when the locale is Chinese (``zh_CN.UTF-8``, ``zh_TW``),
    else English."""
    env = os.environ if environ is None else environ
    chosen = env.get(LANG_ENV, "").strip().lower()
    if chosen == "zh":
        return "zh"
    if chosen == "en":
        return "en"
    for name in _LOCALE_VARS:
        value = env.get(name, "")
        if value:
            return "zh" if value.lower().startswith("zh") else "en"
    return "en"


def text(key: str, lang: str, /, **fields: object) -> str:
    """The message ``key`` in ``lang`` (``"zh"``, else English), its ``{fields}``
    filled in; a field that is a :class:`Msg` is rendered in the same language."""
    template = CATALOGUE[key][0 if lang == "zh" else 1]
    for name, value in fields.items():
        if isinstance(value, Msg):
            fields[name] = value.render(lang)
    return template.format_map(fields)


@frozen
class Msg:
    """A message not yet rendered: its catalogue id and its fields.

    ``str(msg)`` is the English text (for logs and exceptions' ``args``); a program
    speaking to a user calls :meth:`render` with the user's language.
    """

    key: str
    fields: Mapping[str, object] = field(factory=dict)

    def render(self, lang: str) -> str:
        return text(self.key, lang, **self.fields)

    def __str__(self) -> str:
        return self.render("en")


def msg(key: str, /, **fields: object) -> Msg:
    """A :class:`Msg` for ``key`` with ``fields``; raises ``KeyError`` for an id not in
    the catalogue, so a typo fails where it is written."""
    if key not in CATALOGUE:
        raise KeyError(f"no message {key!r} in the catalogue")
    return Msg(key, fields)


def render(value: object, lang: str) -> str:
    """``value`` as text in ``lang``: a :class:`Msg` rendered, anything else ``str``."""
    return value.render(lang) if isinstance(value, Msg) else str(value)
