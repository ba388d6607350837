"""Exit codes shared by every command (linter conventions)."""

OK = 0
FINDINGS = 1
USAGE = 2
INTERRUPTED = 130
