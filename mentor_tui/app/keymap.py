"""The user's keymap (`[keymap]` in config.toml): binding ids to keys, checked before use.

Every binding in the app has an id (``reviews.approve``, ``app.help``, ...). A keymap entry
``"reviews.approve" = "A"`` gives that binding the key ``A`` instead of ``a`` (Textual's
``App.set_keymap`` applies it, so the footer, the help screen and the command palette all show
the user's key). ``check_keymap`` names, in one sentence each, an unknown id, a key Textual does
not know, and a key that would take another key's place (on the same screen or widget, or one
of the app's global keys); the app drops those entries and applies the rest.

``focus_clashes`` is the check that needs a screen on the terminal: a user's key for a
binding of that screen which its focused widget takes first (a letter typed into a text box,
a key of the widget's own such as a table's ``enter`` or arrows), so that the binding never
fires while that widget has the focus. The app runs it for each kind of focused widget of each
screen, once, and says each clash in one sentence.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache

from textual.binding import Binding
from textual.dom import DOMNode
from textual.keys import Keys, _character_to_key, key_to_character

from mentor_tui.widgets.key_list import typing_in

# the packages whose classes carry bindings
_PACKAGES = ("mentor_tui.widgets", "mentor_tui.screens")
_MODIFIERS = {"ctrl", "shift", "alt", "meta", "super", "hyper"}
# actions that do the same (help: `?`, and f1 where `?` is typed as text): no clash between them
_SAME_ACTION = {"help_in_text": "help", "app.help_in_text": "help", "app.help": "help"}
_NAMED_KEYS = {key.value.split("+")[-1] for key in Keys} | {"space", "enter", "tab", "escape"}


@dataclass(frozen=True)
class BindingInfo:
    """One binding as declared: where it is, its id, its default keys, what it does."""

    owner: str  # the class that declares it ("ReviewQueueScreen")
    id: str
    keys: tuple[str, ...]
    description: str
    action: str


def _own_bindings(cls: type) -> Iterator[Binding]:
    declared = cls.__dict__.get("BINDINGS", ())
    yield from Binding.make_bindings(declared)


def _classes(app_class: type) -> Iterator[type]:
    """The app's class, then every class of the screens and widgets that declares bindings."""
    yield app_class
    seen: set[type] = {app_class}
    for package_name in _PACKAGES:
        package = importlib.import_module(package_name)
        for module_info in pkgutil.walk_packages(package.__path__, f"{package_name}."):
            module = importlib.import_module(module_info.name)
            for value in vars(module).values():
                if (
                    isinstance(value, type)
                    and value.__module__ == module.__name__
                    and value not in seen
                    and "BINDINGS" in value.__dict__
                ):
                    seen.add(value)
                    yield value


@cache
def binding_catalog(app_class: type) -> tuple[BindingInfo, ...]:
    """Every binding of the app, its screens and widgets, in declaration order (one entry per
    id and class: a binding with two keys is one entry)."""
    found: dict[tuple[str, str], BindingInfo] = {}
    for cls in _classes(app_class):
        for binding in _own_bindings(cls):
            if binding.id is None:
                continue
            key = (cls.__name__, binding.id)
            old = found.get(key)
            keys = (*old.keys, binding.key) if old else (binding.key,)
            found[key] = BindingInfo(
                cls.__name__, binding.id, keys, binding.description, binding.action
            )
    return tuple(found.values())


def _key_problem(key: str) -> str | None:
    """Why ``key`` is not a key Textual knows, or None."""
    if len(key) == 1:
        return None
    *modifiers, base = key.split("+")
    bad = [m for m in modifiers if m not in _MODIFIERS]
    if bad:
        return f"{bad[0]!r} is not a modifier (ctrl, shift, alt, meta)"
    if len(base) == 1 or base in _NAMED_KEYS or key_to_character(base) is not None:
        return None
    return f"{base!r} is not a key name"


def normal_keys(text: str) -> tuple[str, ...]:
    """``"?, ctrl+a"`` -> ``("question_mark", "ctrl+a")``: Textual's names for the keys."""
    return tuple(
        _character_to_key(k) if len(k) == 1 else k for k in (p.strip() for p in text.split(","))
    )


def check_keymap(keymap: Mapping[str, str], app_class: type) -> tuple[dict[str, str], list[str]]:
    """The entries the app (of class ``app_class``) may apply, and one sentence for each it
    may not."""
    catalog = binding_catalog(app_class)
    by_id: dict[str, list[BindingInfo]] = {}
    for info in catalog:
        by_id.setdefault(info.id, []).append(info)
    good: dict[str, str] = {}
    problems: list[str] = []
    for binding_id, text in keymap.items():
        if binding_id not in by_id:
            problems.append(
                f"The keymap names {binding_id!r}, which is no binding of mentor-tui "
                "(README, Keymap, lists every binding id)."
            )
            continue
        keys = normal_keys(text)
        if not all(keys):
            problems.append(f"The keymap gives {binding_id!r} an empty key.")
            continue
        bad = next(((k, p) for k in keys if (p := _key_problem(k)) is not None), None)
        if bad is not None:
            problems.append(f"The keymap gives {binding_id!r} the key {bad[0]!r}: {bad[1]}.")
            continue
        good[binding_id] = ",".join(keys)
    # clashes: a remapped key that another binding of the same class (or one of the app's
    # global keys) keeps
    final: dict[tuple[str, str], tuple[str, ...]] = {
        (info.owner, info.id): normal_keys(good[info.id]) if info.id in good else info.keys
        for info in catalog
    }
    app_owner = catalog[0].owner
    clashing: set[str] = set()
    for info in catalog:
        if info.id not in good or info.id in clashing:
            continue
        for key in final[(info.owner, info.id)]:
            if key in info.keys:  # its own default key: nothing changes there
                continue
            other = next(
                (
                    o
                    for o in catalog
                    if o.id != info.id
                    and _SAME_ACTION.get(o.action, o.action)
                    != _SAME_ACTION.get(info.action, info.action)
                    and (o.owner == info.owner or o.owner == app_owner or info.owner == app_owner)
                    and key in final[(o.owner, o.id)]
                ),
                None,
            )
            if other is not None:
                problems.append(
                    f"The keymap gives {info.id!r} the key {key!r}, which {other.id!r} "
                    f"({other.description}) already uses; change one of them."
                )
                clashing.add(info.id)
                break
    for binding_id in clashing:
        good.pop(binding_id, None)
    return good, problems


def _typed_as_text(key: str) -> bool:
    """Whether a text box takes ``key`` as text (a printable character, space included)."""
    if key == "space":
        return True
    character = key if len(key) == 1 else key_to_character(key)
    return character is not None and len(character) == 1 and character.isprintable()


def _widget_binding(widget: DOMNode, key: str, keymap: Mapping[str, str]) -> Binding | None:
    """The binding of ``widget``'s own (its class's and its bases') on ``key``, with the
    user's keymap applied to them too."""
    for cls in type(widget).__mro__:
        for binding in Binding.make_bindings(cls.__dict__.get("BINDINGS", ())):
            keys = normal_keys(keymap[binding.id]) if binding.id in keymap else (binding.key,)
            if key in keys:
                return binding
    return None


def _kind(widget: DOMNode) -> str:
    name = type(widget).__name__
    if typing_in(widget):
        return f"text box ({name})"
    return f"table ({name})" if "Table" in name else name


def focus_clashes(keymap: Mapping[str, str], screen: DOMNode, focused: DOMNode) -> list[str]:
    """One sentence for each entry of ``keymap`` (already checked by ``check_keymap``) that
    gives a binding of ``screen`` a key that ``focused`` (a widget of it with the focus, or
    a container between them) takes first."""
    owners = {cls.__name__ for cls in type(screen).__mro__}
    mine = {
        info.id: info
        for info in binding_catalog(type(screen.app))
        if info.owner in owners and info.id in keymap
    }
    chain: list[DOMNode] = []
    node: DOMNode | None = focused
    while node is not None and node is not screen:
        chain.append(node)
        node = node.parent
    problems: list[str] = []
    for binding_id, info in mine.items():
        for key in normal_keys(keymap[binding_id]):
            said = None
            for widget in chain:
                if typing_in(widget) and _typed_as_text(key):
                    said = (
                        f"The keymap gives {binding_id!r} the key {key!r}, which the "
                        f"{_kind(widget)} with the focus on {type(screen).__name__} types as "
                        "text, so it does nothing there while you type; give it a ctrl+ or "
                        "function key."
                    )
                    break
                taken = _widget_binding(widget, key, keymap)
                if taken is not None and taken.action != info.action:
                    what = taken.description or taken.action
                    named = f" ({taken.id!r})" if taken.id else ""
                    said = (
                        f"The keymap gives {binding_id!r} the key {key!r}, which the "
                        f"{_kind(widget)} with the focus on {type(screen).__name__} uses "
                        f"first for {what!r}{named}, so {binding_id!r} does nothing while it "
                        "has the focus; change one of them."
                    )
                    break
            if said is not None:
                problems.append(said)
                break
    return problems
