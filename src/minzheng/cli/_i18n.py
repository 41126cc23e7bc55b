"""The command line in the user's language: ``--lang``, help and click's own errors.

The language is known before click parses anything: :func:`lang_of` reads ``--lang``
from the arguments (else :func:`minzheng.i18n.default_lang`), so ``--help`` and a
usage error are in the same language as the output. Help texts are catalogue ids
(``help="cli.opt.pack"``); :class:`Command` and :class:`Option` look them up when
they are shown. Click's own words (``Usage:``, ``Options``, its usage errors) are
given in the catalogue's words by :class:`Formatter` and :func:`usage_message`.
"""

from __future__ import annotations

import contextvars
from collections.abc import Sequence
from typing import Any, ClassVar

import click

from minzheng.i18n import CATALOGUE, LANGS, default_lang, text

#: The language of the command being run (set from the arguments before parsing).
LANG: contextvars.ContextVar[str] = contextvars.ContextVar("minzheng_lang", default="en")


def lang_of(args: Sequence[str]) -> str:
    """The language ``args`` ask for with ``--lang X`` or ``--lang=X``, else the
    default (``$MINZHENG_LANG``, then the locale)."""
    for at, arg in enumerate(args):
        if arg == "--":
            break
        if arg == "--lang" and at + 1 < len(args) and args[at + 1] in LANGS:
            return args[at + 1]
        if arg.startswith("--lang=") and arg.removeprefix("--lang=") in LANGS:
            return arg.removeprefix("--lang=")
    return default_lang()


def say(key: str, /, **fields: object) -> str:
    """Message ``key`` in the language of the command being run."""
    return text(key, LANG.get(), **fields)


def _shown(value: str | None) -> str | None:
    """A help text: a catalogue id's text in the current language, else as it is."""
    return say(value) if value is not None and value in CATALOGUE else value


class Formatter(click.HelpFormatter):
    """Click's help layout with its headings in the current language."""

    _HEADINGS: ClassVar[dict[str, str]] = {"Options": "cli.options", "Commands": "cli.commands"}

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        super().write_usage(prog, args, prefix=say("cli.usage") + " ")

    def section(self, name: str) -> Any:
        key = self._HEADINGS.get(name)
        return super().section(say(key) if key else name)


class Context(click.Context):
    formatter_class = Formatter


class _Helped:
    """``help`` given as a catalogue id and read in the current language."""

    _help: str | None

    @property
    def help(self) -> str | None:
        return _shown(self._help)

    @help.setter
    def help(self, value: str | None) -> None:
        self._help = value


class Option(_Helped, click.Option):
    """An option whose ``help`` is a catalogue id, shown in the current language."""

    def get_help_record(self, ctx: click.Context) -> tuple[str, str] | None:
        record = super().get_help_record(ctx)
        if record is None or LANG.get() != "zh":
            return record
        spec, shown = record  # click's own words in its bracket
        shown = shown.replace("[default: ", "[" + say("cli.default", value="")).replace(
            "; required]", "; " + say("cli.required") + "]"
        )
        return spec, shown.replace("[required]", "[" + say("cli.required") + "]")


class Command(_Helped, click.Command):
    """A command whose help is a catalogue id, with the help option's text too."""

    context_class = Context

    def get_help_option(self, ctx: click.Context) -> click.Option | None:
        option = super().get_help_option(ctx)
        if option is not None:
            option.help = say("cli.opt.help")
        return option


def _name(param: click.Parameter | None, fallback: str | None = None) -> str:
    if param is None:
        return fallback or "?"
    if isinstance(param, click.Option):
        return "/".join(param.opts)
    return (param.human_readable_name or "").upper()


def usage_message(error: click.ClickException) -> str:
    """A click usage error in the current language (its English when it is of a kind
    the catalogue does not word)."""
    if isinstance(error, click.NoSuchOption):
        return say("cli.err.no_such_option", name=error.option_name)
    if isinstance(error, click.MissingParameter):
        key = (
            "cli.err.missing_option" if error.param_type == "option" else "cli.err.missing_argument"
        )
        return say(key, name=_name(error.param))
    if isinstance(error, click.BadOptionUsage) and "requires an argument" in error.message:
        return say("cli.err.needs_value", name=error.option_name)
    if isinstance(error, click.BadParameter):
        param = error.param
        if param is not None and isinstance(param.type, click.Choice):
            value = error.message.split("'")[1] if error.message.count("'") >= 2 else ""
            choices = ", ".join(str(c) for c in param.type.choices)
            return say("cli.err.bad_choice", name=_name(param), choices=choices, value=value)
        hint = error.param_hint if isinstance(error.param_hint, str) else None
        return say("cli.err.bad_value", name=_name(param, hint), message=error.message)
    if isinstance(error, click.UsageError) and error.message.startswith("No such command"):
        return say("cli.err.no_such_command", name=error.message.split("'")[1])
    if isinstance(error, click.UsageError) and error.message.startswith("Got unexpected extra"):
        return say("cli.err.extra_argument", value=error.message.partition("(")[2].rstrip(")"))
    return error.format_message()
