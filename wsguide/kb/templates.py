"""Render a cause's fix and verify steps with jinja2 (StrictUndefined: a missing value fails).

Snippets in `knowledge/snippets/` are available to `{% include %}`. Imported only by commands
that render (config, export, wizard, labs), never by lookup.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..errors import UserError

if TYPE_CHECKING:
    from jinja2 import Environment

    from .loader import KB


def environment(kb: KB) -> Environment:
    from jinja2 import DictLoader, Environment, StrictUndefined

    return Environment(loader=DictLoader(dict(kb.snippets)), undefined=StrictUndefined,
                       keep_trailing_newline=True, autoescape=False)


def fix_variables(cause: dict[str, Any], overrides: dict[str, str] | None = None) -> dict[str, str]:
    """The fix's declared variables with their example defaults, then the overrides."""
    values = {name: spec["default"] for name, spec in cause["fix"].get("variables", {}).items()}
    values.update(overrides or {})
    return values


def render(kb: KB, source: str, values: dict[str, Any]) -> str:
    from jinja2 import TemplateError

    try:
        return environment(kb).from_string(source).render(**values)
    except TemplateError as exc:
        raise UserError(f"cannot render template: {exc}") from exc


def render_fix(kb: KB, cause_id: str, overrides: dict[str, str] | None = None) -> str:
    """The cause's nginx fix snippet, rendered from defaults plus overrides ('' if none)."""
    cause = kb.causes[cause_id]
    source = cause["fix"].get("template")
    return render(kb, source, fix_variables(cause, overrides)) if source else ""


def render_map(kb: KB) -> str:
    """The http-level upgrade maps that fix templates rely on."""
    return render(kb, kb.snippets["ws-upgrade-map.conf.j2"], {})
