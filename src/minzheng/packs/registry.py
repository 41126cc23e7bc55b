"""Finding, loading and isolating rule packs.

:class:`Registry` is the typed face of a pluggy ``PluginManager``: each registry owns
its own manager (there is no global one), discovers plugins through the entry-point
group ``minzheng``, and calls each hook of each plugin separately, so that a plugin that
fails to import, registers a misspelled hook or raises inside a hook is recorded as a
:class:`PluginError` naming it while the other packs load as usual.

Set ``MINZHENG_DISABLE_PLUGINS`` to a comma- or space-separated list of plugin (or pack)
names to keep them from loading.
"""

from __future__ import annotations

import importlib.metadata
import os
import re
import traceback
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import attrs
import pluggy
from attrs import frozen

from minzheng.errors import UnknownNameError
from minzheng.i18n import msg, text
from minzheng.model import Indicator, PackInfo, Program
from minzheng.model.values import closest
from minzheng.packs import hookspecs
from minzheng.rules import Rule

__all__ = ["DISABLE_ENV", "ENTRY_POINT_GROUP", "LoadedPack", "PluginError", "Registry"]

#: The entry-point group packs are published under.
ENTRY_POINT_GROUP = "minzheng"
#: The environment variable that blocks plugins by name.
DISABLE_ENV = "MINZHENG_DISABLE_PLUGINS"


@frozen
class PluginError:
    """A plugin that could not be loaded: its name, the stage and what went wrong."""

    plugin: str
    stage: str  #: ``import``, ``register``, ``conflict`` or the hook that raised
    message: str

    def __str__(self) -> str:
        return self.render("en")

    def render(self, lang: str = "en") -> str:
        """The failure in ``lang``; the plugin's own message is given as it is."""
        return text(
            "cli.plugin_failed", lang, plugin=self.plugin, stage=self.stage, message=self.message
        )


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
        self.disabled: frozenset[str] = frozenset()
        self._indicator_owner: dict[str, str] = {}
        self._indicators: dict[str, Indicator] = {}
        self._rule_owner: dict[str, str] = {}

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

            registry.add(core, "core", version=_own_version())
        if entry_points:
            for ep in sorted(
                importlib.metadata.entry_points(group=ENTRY_POINT_GROUP), key=lambda e: e.name
            ):
                if ep.name in registry.disabled:
                    continue
                try:
                    plugin = ep.load()
                except Exception as exc:
                    registry.errors.append(PluginError(ep.name, "import", _describe(exc)))
                    continue
                version = ep.dist.version if ep.dist is not None else ""
                registry.add(plugin, ep.name, version=version)
        for name, plugin in extra:
            registry.add(plugin, name)
        return registry

    def add(self, plugin: object, name: str, *, version: str = "") -> LoadedPack | None:
        """Register one plugin and load its pack; on failure record a :class:`PluginError`.

        Returns the loaded pack, or ``None`` when the plugin was refused (see
        ``errors``) or is disabled.
        """
        if name in self.disabled:
            return None
        try:
            self.pm.register(plugin, name=name)
        except Exception as exc:
            self.errors.append(PluginError(name, "register", _describe(exc)))
            return None
        try:
            self.pm.check_pending()
        except pluggy.PluginValidationError as exc:
            self.pm.unregister(name=name)
            self.errors.append(PluginError(name, "register", f"unknown hook: {exc}"))
            return None
        try:
            pack = self._load(plugin, name, version)
        except _Refused as refused:
            self.pm.unregister(name=name)
            self.errors.append(refused.error)
            return None
        if pack.info.name in self.disabled:
            self.pm.unregister(name=name)
            return None
        self._accept(pack)
        return pack

    def _call(self, name: str, hook: str) -> list[Any]:
        results = []
        for impl in getattr(self.pm.hook, hook).get_hookimpls():
            if impl.plugin_name != name:
                continue
            try:
                results.append(impl.function())
            except Exception as exc:
                raise _Refused(PluginError(name, hook, _describe(exc))) from exc
        return results

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
        if info.name in self.packs:
            raise _Refused(
                PluginError(name, "conflict", f"a pack named {info.name!r} is already loaded")
            )
        indicators = _flatten(
            self._call(name, "minzheng_indicators"), Indicator, name, "minzheng_indicators"
        )
        rules = _flatten(self._call(name, "minzheng_rules"), Rule, name, "minzheng_rules")
        programs = _flatten(
            self._call(name, "minzheng_programs"), Program, name, "minzheng_programs"
        )
        self._check_conflicts(name, info.name, indicators, rules)
        return LoadedPack(name, info, rules, indicators, programs, hooks)

    def _check_conflicts(
        self, plugin: str, pack: str, indicators: Sequence[Indicator], rules: Sequence[Rule]
    ) -> None:
        for ind in indicators:
            known = self._indicators.get(ind.id)
            if known is not None and known != ind:
                differ = [
                    f.name
                    for f in attrs.fields(Indicator)
                    if getattr(known, f.name) != getattr(ind, f.name)
                ]
                raise _Refused(
                    PluginError(
                        plugin,
                        "conflict",
                        f"pack {pack!r} declares indicator {ind.id!r} differently from pack "
                        f"{self._indicator_owner[ind.id]!r} (fields that differ: {', '.join(differ)})",
                    )
                )
        ids = [r.id for r in rules]
        for rule_id in ids:
            if rule_id in self._rule_owner:
                raise _Refused(
                    PluginError(
                        plugin,
                        "conflict",
                        f"rule id {rule_id!r} is already used by pack {self._rule_owner[rule_id]!r}",
                    )
                )
            if ids.count(rule_id) > 1:
                raise _Refused(
                    PluginError(
                        plugin, "conflict", f"rule id {rule_id!r} is used twice in pack {pack!r}"
                    )
                )

    def _accept(self, pack: LoadedPack) -> None:
        self.packs[pack.name] = pack
        for ind in pack.indicators:
            self._indicators.setdefault(ind.id, ind)
            self._indicator_owner.setdefault(ind.id, pack.name)
        for rule in pack.rules:
            self._rule_owner[rule.id] = pack.name

    # ------------------------------------------------------------------ queries

    @property
    def indicators(self) -> dict[str, Indicator]:
        """Every declared indicator, by id."""
        return dict(self._indicators)

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

    def rule(self, rule_id: str) -> tuple[LoadedPack, Rule]:
        """The pack and rule of a rule id (:class:`~minzheng.errors.UnknownNameError` otherwise)."""
        owner = self._rule_owner.get(rule_id)
        if owner is None:
            raise UnknownNameError(
                msg("what.rule"),
                rule_id,
                sorted(self._rule_owner),
                closest(rule_id, self._rule_owner),
            )
        return self.packs[owner], self.packs[owner].rule(rule_id)

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


def _own_version() -> str:
    try:
        return importlib.metadata.version("minzheng")
    except importlib.metadata.PackageNotFoundError:  # pragma: no cover - running from a checkout
        return ""
