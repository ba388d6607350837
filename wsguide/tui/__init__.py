"""The Textual wizard (`wsguide` with no arguments).

The only package that imports Textual. Screens drive `state.Wizard`, which drives
`engine.session`; no knowledge or scoring lives here. Importing this package is cheap on
purpose: `app.py` (and with it Textual) loads only when the wizard runs.
"""
