"""Errors a user can cause. The CLI prints them as one line and exits 2, never a traceback."""


class UserError(Exception):
    """Bad input: an option value, an unreadable file, an unusable knowledge base."""


class KBError(UserError):
    """One or more problems in a knowledge base, each `file:line: field: message`."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        first = problems[0] if problems else "knowledge base is invalid"
        more = f" (and {len(problems) - 1} more; run `wsguide kb check`)" if len(problems) > 1 else ""
        super().__init__(first + more)
