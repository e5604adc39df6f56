"""Help text as typer's rich mode should show it: rich markup escaped, prose joined into lines."""

from __future__ import annotations

import inspect
import typing
from typing import Any

import typer
from rich.markup import escape

__all__ = ["escape_help"]


def _help_text(text: str) -> str:
    """A help text as typer's rich mode should show it: rich markup escaped (so that
    ``[uncertainty]`` is printed, not swallowed as a style tag), and each paragraph of prose
    joined into one line for the terminal to wrap (indented blocks, the examples, kept)."""
    paragraphs = inspect.cleandoc(text).split("\n\n")
    out = []
    for para in paragraphs:
        lines = para.split("\n")
        if all(line.startswith(" ") for line in lines if line.strip()):
            out.append(para)
        else:
            out.append(" ".join(line.strip() for line in lines))
    return escape("\n\n".join(out))


def _parameter_infos(callback: Any) -> list[Any]:
    """The typer ``Option``/``Argument`` of each parameter: its default, or in an ``Annotated``
    type (the shared aliases of :mod:`burdenshare.cli.options`)."""
    hints = typing.get_type_hints(callback, include_extras=True)
    infos = []
    for name, param in inspect.signature(callback).parameters.items():
        found = [param.default]
        hint = hints.get(name)
        if typing.get_origin(hint) is typing.Annotated:
            found += list(hint.__metadata__)
        infos += [x for x in found if isinstance(x, typer.models.ParameterInfo)]
    return infos


def escape_help(typer_app: typer.Typer) -> None:
    """Escape rich markup in every help string of ``typer_app``: its commands' docstrings and
    ``help=``, their options' and arguments' help, and the same in sub-apps (command groups),
    recursively. Idempotent; :mod:`burdenshare.cli` calls it once, after every command and
    command group is registered."""
    if getattr(typer_app, "_help_escaped", False):
        return
    typer_app._help_escaped = True  # type: ignore[attr-defined]
    infos: list[Any] = [*typer_app.registered_commands]
    if typer_app.registered_callback is not None:
        infos.append(typer_app.registered_callback)
    for info in infos:
        text = info.help if isinstance(info.help, str) else inspect.getdoc(info.callback)
        if text:
            info.help = _help_text(text)
        for default in _parameter_infos(info.callback):
            if isinstance(default.help, str) and not getattr(default, "_help_escaped", False):
                default.help = escape(default.help)
                default._help_escaped = True  # type: ignore[attr-defined]
    for group in typer_app.registered_groups:
        if isinstance(group.help, str):
            group.help = _help_text(group.help)
        if group.typer_instance is not None:
            escape_help(group.typer_instance)
