"""wsguide: make WebSockets work through nginx.

Only the version lives here: every command pays for whatever this module imports.
"""

__version__ = "0.1.0"
