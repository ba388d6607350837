"""Fixtures for the config tests (the helpers live in gen_support, importable by test modules)."""

from gen_support import backends, pki  # noqa: F401  (fixtures, registered by import)
