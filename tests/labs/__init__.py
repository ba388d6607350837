"""Real-nginx labs: every knowledge-base cause with a `lab:` section (see README.md)."""
