"""`wsguide probe`: a live test of a ws:// or wss:// endpoint, stage by stage.

Layout: target.py (URL and options, validated; light), stages.py (the network work: asyncio +
websockets' sans-I/O client), evidence.py (the wording of what was observed), result.py.
The probe observes and knows no causes: its evidence lines are ranked by `wsguide.lookup`
against the knowledge base's `source: probe` signatures, like pasted text.

Importing this package imports nothing heavy; `wsguide.probe.stages` brings asyncio,
ssl and websockets, and only `wsguide probe` imports it.
"""
