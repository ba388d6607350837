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

    # trim/lstrip blocks: `{% for %}` and `{% include %}` lines leave no blank lines in configs.
    return Environment(loader=DictLoader(dict(kb.snippets)), undefined=StrictUndefined,
                       keep_trailing_newline=True, autoescape=False, trim_blocks=True, lstrip_blocks=True)


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


FIX_CONTEXTS = ("main_template", "http_template", "template")
"""Where each part of a fix goes: main context, http{}, server{} (the usual location block)."""


def render_fix(kb: KB, cause_id: str, overrides: dict[str, str] | None = None) -> str:
    """The cause's server-context fix snippet, rendered from defaults plus overrides ('' if none)."""
    return render_fix_parts(kb, cause_id, overrides).get("template", "")


def render_fix_parts(kb: KB, cause_id: str, overrides: dict[str, str] | None = None) -> dict[str, str]:
    """Every part of the fix that the cause has, keyed by context (see FIX_CONTEXTS)."""
    cause = kb.causes[cause_id]
    values = fix_variables(cause, overrides)
    return {key: render(kb, cause["fix"][key], values) for key in FIX_CONTEXTS if cause["fix"].get(key)}


def render_map(kb: KB) -> str:
    """The http-level upgrade maps that fix templates rely on."""
    return render(kb, kb.snippets["ws-upgrade-map.conf.j2"], {})
