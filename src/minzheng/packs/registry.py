"""Finding, loading and isolating rule packs.

:class:`Registry` is the typed face of a pluggy ``PluginManager``: each registry owns
its own manager (there is no global one), discovers plugins through the entry-point
group ``minzheng``, and calls each hook of each plugin separately, so that a plugin that
fails to import, registers a misspelled hook or raises inside a hook is recorded as a
:class:`PluginError` naming it while the other packs load as usual.

Set ``MINZHENG_DISABLE_PLUGINS`` to a comma- or space-separated list of plugin (or pack)
names to keep them from loading.

Isolation, whatever the plugins' names (the outcome never depends on the order in which
they load):

* Any exception a plugin raises while it is imported or while a hook runs — including
  ``SystemExit``, ``KeyboardInterrupt`` and other ``BaseException`` — refuses that
  plugin alone, reported by its name. So does a plugin whose import and hooks take
  longer than ``MINZHENG_PLUGIN_TIMEOUT`` seconds (default
  :data:`PLUGIN_TIMEOUT`; measured in the main thread only). Whatever it prints goes to
  standard error, never into output on standard output.
* **Rule ids belong to their pack**: two packs may use the same id, and both load; a
  rule is named ``PACK:RULE`` where a bare id would be ambiguous.
* **An indicator declared differently by two packs** is withheld from both (a dataset
  naming it is refused, and a rule reading it gives an ``error`` finding), and a
  warning names both packs; the packs' other rules run. A pack that declares one of
  the core's indicators differently is refused: the core's definitions come with
  minzheng itself.
* **Two plugins giving the same pack name** are both refused, each error naming the
  other.
* **Two packs whose regions overlap** (one's code prefix starts the other's) load, with
  a warning naming both: a unit in both is assessed twice.
"""

from __future__ import annotations

import contextlib
import importlib.metadata
import os
import re
import signal
import threading
import traceback
from collections.abc import Callable, Iterable, Iterator
from types import FrameType
from typing import Any, TypeVar

import attrs
import pluggy
from attrs import frozen

from minzheng.errors import MessageError, UnknownNameError
from minzheng.i18n import msg, text
from minzheng.model import Indicator, PackInfo, Program
from minzheng.model.values import closest
from minzheng.packs import hookspecs
from minzheng.packs._isolation import stdout_to_stderr
from minzheng.rules import Rule

__all__ = [
    "DISABLE_ENV",
    "ENTRY_POINT_GROUP",
    "PLUGIN_TIMEOUT",
    "TIMEOUT_ENV",
    "Indicators",
    "LoadedPack",
    "PluginError",
    "PluginWarning",
    "Registry",
    "core_version",
]

#: The entry-point group packs are published under.
ENTRY_POINT_GROUP = "minzheng"
#: The environment variable that blocks plugins by name.
DISABLE_ENV = "MINZHENG_DISABLE_PLUGINS"
#: Seconds a plugin's import and hooks may take before it is refused.
PLUGIN_TIMEOUT = 20.0
#: The environment variable that sets another time limit (seconds).
TIMEOUT_ENV = "MINZHENG_PLUGIN_TIMEOUT"

T = TypeVar("T")


@frozen
class PluginError:
    """A plugin that could not be loaded: its name, the stage and what went wrong."""

    plugin: str
    stage: str  #: ``import``, ``register``, ``conflict``, ``overlap``, or the hook that raised
    message: str

    def __str__(self) -> str:
        return self.render("en")

    def render(self, lang: str = "en") -> str:
        """The failure in ``lang``; the plugin's own message is given as it is."""
        return text(
            "cli.plugin_failed", lang, plugin=self.plugin, stage=self.stage, message=self.message
        )


class Indicators(dict[str, Indicator]):
    """The declared indicators by id; ``withheld`` names the packs of each indicator
    two packs declare differently (not among them)."""

    def __init__(
        self, declared: dict[str, Indicator], *, withheld: dict[str, tuple[str, ...]]
    ) -> None:
        super().__init__(declared)
        self.withheld = withheld


@frozen
class PluginWarning(PluginError):
    """Something a plugin's loading gives a word about, though nothing was refused: an
    indicator withheld, regions that overlap."""

    def render(self, lang: str = "en") -> str:
        return text("cli.plugin_warning", lang, plugin=self.plugin, message=self.message)


@frozen
class LoadedPack:
    """A pack that loaded: what it says of itself and what it provides."""

    plugin: str  #: the plugin's (entry point's) name
    info: PackInfo
    rules: tuple[Rule, ...] = ()
    indicators: tuple[Indicator, ...] = ()
    programs: tuple[Program, ...] = ()
    hooks: tuple[str, ...] = ()  #: the hooks the plugin implements

    @property
    def name(self) -> str:
        return self.info.name

    def rule(self, rule_id: str) -> Rule:
        for rule in self.rules:
            if rule.id == rule_id:
                return rule
        raise UnknownNameError(
            msg("what.rule_in_pack", pack=self.name),
            rule_id,
            [r.id for r in self.rules],
            closest(rule_id, [r.id for r in self.rules]),
        )


class _Manager(pluggy.PluginManager):
    """Treats every ``minzheng_*`` function as a hook implementation, marked or not,
    so that a misspelled hook name is caught by ``check_pending``."""

    def parse_hookimpl_opts(self, plugin: Any, name: str) -> pluggy.HookimplOpts | None:
        opts = super().parse_hookimpl_opts(plugin, name)
        if (
            opts is None
            and name.startswith(f"{hookspecs.PROJECT}_")
            and callable(getattr(plugin, name, None))
        ):
            return {
                "wrapper": False,
                "hookwrapper": False,
                "optionalhook": False,
                "tryfirst": False,
                "trylast": False,
                "specname": None,
            }
        return opts


def disabled_from_env(environ: dict[str, str] | None = None) -> frozenset[str]:
    """The plugin names listed in ``MINZHENG_DISABLE_PLUGINS``."""
    raw = (environ if environ is not None else os.environ).get(DISABLE_ENV, "")
    return frozenset(n for n in re.split(r"[,\s]+", raw) if n)


def plugin_timeout(environ: dict[str, str] | None = None) -> float:
    """The time limit of a plugin's loading, from ``MINZHENG_PLUGIN_TIMEOUT``."""
    raw = (environ if environ is not None else os.environ).get(TIMEOUT_ENV, "").strip()
    try:
        return float(raw) if raw else PLUGIN_TIMEOUT
    except ValueError:
        return PLUGIN_TIMEOUT


class _TimedOut(BaseException):
    """Raised in the main thread when a plugin's loading runs past its time limit."""


@contextlib.contextmanager
def _time_limit(seconds: float) -> Iterator[None]:
    """Raise :class:`_TimedOut` in the block after ``seconds`` (main thread only: a
    signal can interrupt nothing else; elsewhere the block runs unbounded)."""
    main = threading.current_thread() is threading.main_thread()
    if seconds <= 0 or not main or not hasattr(signal, "setitimer"):  # (Windows has none)
        yield
        return

    def expire(signum: int, frame: FrameType | None) -> None:
        raise _TimedOut

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _guarded(plugin: str, stage: str, call: Callable[[], T]) -> T:
    """``call()``, any exception it raises (``BaseException`` too) turned into a
    :class:`_Refused` naming the plugin and the stage."""
    try:
        return call()
    except _Refused:
        raise
    except _TimedOut:
        seconds = plugin_timeout()
        raise _Refused(
            PluginError(plugin, stage, f"did not finish within {seconds:g} s ({TIMEOUT_ENV})")
        ) from None
    except BaseException as exc:  # a plugin's SystemExit must not end the run
        raise _Refused(PluginError(plugin, stage, _describe(exc))) from None


def _describe(exc: BaseException) -> str:
    frames = traceback.extract_tb(exc.__traceback__)
    where = f" ({frames[-1].filename}:{frames[-1].lineno})" if frames else ""
    return f"{type(exc).__name__}: {exc}{where}"


class Registry:
    """The installed packs, their indicators and rules, and the plugins that failed.

    Build one with :meth:`discover` (entry points plus the built-in core pack), or
    start empty and :meth:`add` plugins yourself (tests, embedding).
    """

    def __init__(self) -> None:
        self.pm = _Manager(hookspecs.PROJECT)
        self.pm.add_hookspecs(hookspecs)
        self.packs: dict[str, LoadedPack] = {}
        self.errors: list[PluginError] = []
        #: What loaded but deserves a word (indicators withheld, regions that overlap).
        self.warnings: list[PluginWarning] = []
        self.disabled: frozenset[str] = frozenset()
        self._indicator_owner: dict[str, str] = {}
        self._indicators: dict[str, Indicator] = {}
        self._withheld: dict[str, list[str]] = {}  # indicator → the packs declaring it
        self._rule_owner: dict[str, list[str]] = {}
        self._clashed: set[str] = set()  # pack names given by two plugins

    @classmethod
    def discover(
        cls,
        *,
        builtin: bool = True,
        entry_points: bool = True,
        disabled: Iterable[str] | None = None,
        extra: Iterable[tuple[str, object]] = (),
    ) -> Registry:
        """A registry with the built-in core pack, every installed pack and ``extra``.

        ``disabled`` names plugins not to load (default: ``MINZHENG_DISABLE_PLUGINS``).
        """
        registry = cls()
        registry.disabled = frozenset(disabled) if disabled is not None else disabled_from_env()
        if builtin:
            from minzheng.packs import builtin as core

            registry.add(core, "core", version=core_version())
        if entry_points:
            for ep in sorted(
                importlib.metadata.entry_points(group=ENTRY_POINT_GROUP), key=lambda e: e.name
            ):
                if ep.name not in registry.disabled:
                    registry._add_entry_point(ep)
        for name, plugin in extra:
            registry.add(plugin, name)
        return registry

    def _add_entry_point(self, ep: importlib.metadata.EntryPoint) -> None:
        """Import an entry point's plugin and add it, within one time limit."""

        def load() -> LoadedPack | None:
            plugin = _guarded(ep.name, "import", ep.load)
            return self._add(plugin, ep.name, ep.dist.version if ep.dist is not None else "")

        self._isolated(ep.name, load)

    def add(self, plugin: object, name: str, *, version: str = "") -> LoadedPack | None:
        """Register one plugin and load its pack; on failure record a :class:`PluginError`.

        Returns the loaded pack, or ``None`` when the plugin was refused (see
        ``errors``) or is disabled.
        """
        if name in self.disabled:
            return None
        return self._isolated(name, lambda: self._add(plugin, name, version))

    def _isolated(self, name: str, load: Callable[[], LoadedPack | None]) -> LoadedPack | None:
        """``load()`` with its prints sent to stderr and within the time limit; a
        refusal recorded under the plugin's ``name``."""
        with stdout_to_stderr():
            try:
                with _time_limit(plugin_timeout()):
                    return load()
            except _Refused as refused:
                self._refuse(name, refused.error)
                return None

    def _add(self, plugin: object, name: str, version: str) -> LoadedPack | None:
        if name in self.disabled:
            return None
        _guarded(name, "register", lambda: self.pm.register(plugin, name=name))
        try:
            self.pm.check_pending()
        except pluggy.PluginValidationError as exc:
            raise _Refused(PluginError(name, "register", f"unknown hook: {exc}")) from None
        pack = self._load(plugin, name, version)
        if pack.info.name in self.disabled:
            self.pm.unregister(name=name)
            return None
        return self._accept(pack)

    def _refuse(self, name: str, error: PluginError) -> None:
        """Record a refused plugin and take back what it registered."""
        if self.pm.has_plugin(name):
            self.pm.unregister(name=name)
        self.errors.append(error)

    def _call(self, name: str, hook: str) -> list[Any]:
        return [
            _guarded(name, hook, impl.function)
            for impl in getattr(self.pm.hook, hook).get_hookimpls()
            if impl.plugin_name == name
        ]

    def _load(self, plugin: object, name: str, version: str) -> LoadedPack:
        hooks = tuple(
            h
            for h in hookspecs.HOOKS
            if any(i.plugin_name == name for i in getattr(self.pm.hook, h).get_hookimpls())
        )
        infos = self._call(name, "minzheng_pack")
        if len(infos) != 1 or not isinstance(infos[0], PackInfo):
            raise _Refused(
                PluginError(name, "minzheng_pack", f"expected one PackInfo, found {infos!r}")
            )
        info: PackInfo = infos[0]
        if not info.version and version:
            info = attrs.evolve(info, version=version)
        indicators = _guarded(name, "minzheng_indicators", lambda: _flatten(
            self._call(name, "minzheng_indicators"), Indicator, name, "minzheng_indicators"
        ))  # fmt: skip
        rules = _guarded(name, "minzheng_rules", lambda: _flatten(
            self._call(name, "minzheng_rules"), Rule, name, "minzheng_rules"
        ))  # fmt: skip
        programs = _guarded(name, "minzheng_programs", lambda: _flatten(
            self._call(name, "minzheng_programs"), Program, name, "minzheng_programs"
        ))  # fmt: skip
        _check_own(name, info.name, indicators, rules)
        core = {i.id: i for i in self.packs["core"].indicators} if "core" in self.packs else {}
        for ind in indicators:  # the core's definitions are minzheng's own
            if core.get(ind.id, ind) != ind:
                refusal = _differs(info.name, "core", core[ind.id], ind)
                raise _Refused(PluginError(name, "conflict", refusal))
        return LoadedPack(name, info, rules, indicators, programs, hooks)

    def _accept(self, pack: LoadedPack) -> LoadedPack | None:
        """Take a loaded pack in, the same whichever of two clashing packs came first."""
        if pack.name == "core" and "core" in self.packs:  # the core's name is minzheng's
            self.pm.unregister(name=pack.plugin)
            self.errors.append(
                PluginError(pack.plugin, "conflict", "the pack name 'core' is minzheng's own")
            )
            return None
        if pack.name in self.packs or pack.name in self._clashed:
            self._clash(pack)
            return None
        self.packs[pack.name] = pack
        self._check_overlap(pack)
        self._index()
        return pack

    def _clash(self, pack: LoadedPack) -> None:
        """Refuse both plugins that give one pack name (and any later one)."""
        self.pm.unregister(name=pack.plugin)
        first = self.packs.pop(pack.name, None)
        self._clashed.add(pack.name)
        also = f"also gives a pack named {pack.name!r}: both refused"
        if first is not None:
            self.pm.unregister(name=first.plugin)
            self.errors.append(
                PluginError(first.plugin, "conflict", f"plugin {pack.plugin!r} {also}")
            )
            self._index()
        other = "another plugin" if first is None else f"plugin {first.plugin!r}"
        self.errors.append(PluginError(pack.plugin, "conflict", f"{other} {also}"))

    def _index(self) -> None:
        """The rules' owners and the indicators, made anew from the loaded packs (the
        core first): an indicator declared differently by two packs is withheld from
        both, with a warning naming them."""
        self._rule_owner, self._indicators, self._indicator_owner = {}, {}, {}
        self._withheld = {}
        self.warnings = [w for w in self.warnings if w.stage != "conflict"]
        for pack in self.packs.values():
            for rule in pack.rules:
                self._rule_owner.setdefault(rule.id, []).append(pack.name)
            for ind in pack.indicators:
                self._take_indicator(pack, ind)

    def _take_indicator(self, pack: LoadedPack, ind: Indicator) -> None:
        if ind.id in self._withheld:
            self._withheld[ind.id].append(pack.name)
            return
        known = self._indicators.get(ind.id)
        if known is None:
            self._indicators[ind.id] = ind
            self._indicator_owner[ind.id] = pack.name
        elif known != ind:
            owner = self._indicator_owner.pop(ind.id)
            del self._indicators[ind.id]
            self._withheld[ind.id] = [owner, pack.name]
            message = _differs(pack.name, owner, known, ind) + ": withheld from both"
            self.warnings.append(PluginWarning(pack.plugin, "conflict", message))

    def _check_overlap(self, pack: LoadedPack) -> None:
        """Warn when ``pack``'s region overlaps a loaded pack's."""
        mine = pack.info.region.prefixes if pack.info.region is not None else ()
        for other in self.packs.values():
            theirs = other.info.region.prefixes if other.info.region is not None else ()
            if other is pack:
                continue
            shared = [(a, b) for a in mine for b in theirs if a.startswith(b) or b.startswith(a)]
            if shared:
                a, b = shared[0]
                self.warnings.append(PluginWarning(pack.plugin, "overlap", (
                    f"pack {pack.name!r} (region {a}) and pack {other.name!r} (region {b}) "
                    "overlap: units in both are assessed by both"
                )))  # fmt: skip

    # ------------------------------------------------------------------ queries

    @property
    def indicators(self) -> Indicators:
        """Every declared indicator, by id (and, as ``withheld``, those two packs
        declare differently, so that a dataset naming one is told why)."""
        return Indicators(self._indicators, withheld=self.withheld)

    def indicator_owner(self, indicator: str) -> str | None:
        """The pack that first declared an indicator."""
        return self._indicator_owner.get(indicator)

    def pack(self, name: str) -> LoadedPack:
        """The loaded pack of this name (:class:`~minzheng.errors.UnknownNameError` otherwise)."""
        try:
            return self.packs[name]
        except KeyError:
            failed = {e.plugin for e in self.errors}
            if name in failed:
                raise UnknownNameError(msg("what.loaded_pack"), name, [], None) from None
            raise UnknownNameError(
                msg("what.pack"), name, sorted(self.packs), closest(name, self.packs)
            ) from None

    @property
    def withheld(self) -> dict[str, tuple[str, ...]]:
        """Indicators declared differently by two packs, and those packs."""
        return {ind: tuple(packs) for ind, packs in self._withheld.items()}

    def rule(self, rule_id: str) -> tuple[LoadedPack, Rule]:
        """The pack and rule of a rule id, or of ``PACK:RULE``
        (:class:`~minzheng.errors.UnknownNameError` when there is none, a
        :class:`~minzheng.errors.MessageError` when two packs use a bare id)."""
        pack_name, sep, bare = rule_id.rpartition(":")
        if sep:
            return self.pack(pack_name), self.pack(pack_name).rule(bare)
        owners = self._rule_owner.get(rule_id)
        if not owners:
            raise UnknownNameError(
                msg("what.rule"),
                rule_id,
                sorted(self._rule_owner),
                closest(rule_id, self._rule_owner),
            )
        if len(owners) > 1:
            choices = ", ".join(f"{owner}:{rule_id}" for owner in sorted(owners))
            raise MessageError(msg("cli.err.ambiguous_rule", rule=rule_id, choices=choices))
        return self.packs[owners[0]], self.packs[owners[0]].rule(rule_id)

    def iter_rules(self, packs: Iterable[str] | None = None) -> Iterator[tuple[LoadedPack, Rule]]:
        """Every rule of the named packs (default: all), pack by pack, in pack order."""
        chosen = [self.pack(n) for n in packs] if packs is not None else list(self.packs.values())
        for pack in chosen:
            for rule in pack.rules:
                yield pack, rule


class _Refused(Exception):
    def __init__(self, error: PluginError) -> None:
        self.error = error
        super().__init__(str(error))


def _differs(pack: str, owner: str, known: Indicator, ind: Indicator) -> str:
    fields = [
        f.name for f in attrs.fields(Indicator) if getattr(known, f.name) != getattr(ind, f.name)
    ]
    return (
        f"pack {pack!r} declares indicator {ind.id!r} differently from pack {owner!r} "
        f"(fields that differ: {', '.join(fields)})"
    )


def _check_own(
    plugin: str, pack: str, indicators: tuple[Indicator, ...], rules: tuple[Rule, ...]
) -> None:
    """Refuse a pack that uses one rule id twice, or declares one indicator twice
    differently (its own mistake, whatever else is installed)."""
    ids = [r.id for r in rules]
    for rule_id in ids:
        if ":" in rule_id:
            raise _Refused(PluginError(plugin, "minzheng_rules", f"rule id {rule_id!r} has a ':'"))
        if ids.count(rule_id) > 1:
            raise _Refused(
                PluginError(
                    plugin, "conflict", f"rule id {rule_id!r} is used twice in pack {pack!r}"
                )
            )
    mine: dict[str, Indicator] = {}
    for ind in indicators:
        if mine.setdefault(ind.id, ind) != ind:
            raise _Refused(PluginError(plugin, "conflict", _differs(pack, pack, mine[ind.id], ind)))


def _flatten(results: list[Any], kind: type, plugin: str, hook: str) -> tuple[Any, ...]:
    items: list[Any] = []
    for result in results:
        if result is None:
            continue
        if isinstance(result, str | bytes) or not isinstance(result, Iterable):
            raise _Refused(
                PluginError(
                    plugin, hook, f"expected a sequence of {kind.__name__}, found {result!r}"
                )
            )
        for item in result:
            if not isinstance(item, kind):
                raise _Refused(
                    PluginError(plugin, hook, f"expected {kind.__name__} objects, found {item!r}")
                )
            items.append(item)
    return tuple(items)


def core_version() -> str:
    """minzheng's own version, as installed (empty when run from a bare checkout)."""
    try:
        return importlib.metadata.version("minzheng")
    except importlib.metadata.PackageNotFoundError:  # pragma: no cover - running from a checkout
        return ""
