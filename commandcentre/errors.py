"""The errors the core raises on purpose, each with a one-line message for the operator.

Every error a person may see derives from :class:`CommandCentreError`; the CLI prints its
message on one line and exits with its ``exit_code``, the GUI shows it in a dialog. Anything
else that escapes is a bug and goes to the log and the crash dialog.
"""

from __future__ import annotations

EXIT_OK = 0
EXIT_FAILED = 1  # the command ran and found a problem (e.g. verify found a broken link)
EXIT_USAGE = 2  # bad command line (argparse uses 2 as well)
EXIT_DENIED = 3  # not logged in, wrong password, locked out, or not permitted
EXIT_STORAGE = 4  # the database file cannot be used (read-only, locked, full, corrupt, too new)
EXIT_INVALID = 5  # input data rejected; nothing was changed


class CommandCentreError(Exception):
    """Base of all expected errors; ``str(err)`` is the operator-facing one-line message."""

    exit_code = EXIT_FAILED


class StorageUnavailable(CommandCentreError):
    """The environment stops us using the database: read-only, locked, disk full, corrupt."""

    exit_code = EXIT_STORAGE

    def __init__(self, message: str, *, reason: str = "unknown", path: str | None = None):
        super().__init__(message)
        self.reason = reason
        self.path = path


class SchemaTooNew(StorageUnavailable):
    """The file was written by a newer major version of the program; it is left untouched."""

    def __init__(self, message: str, *, path: str | None = None, found: tuple[int, int]):
        super().__init__(message, reason="too-new", path=path)
        self.found = found


class NotOurDatabase(StorageUnavailable):
    """The file is an SQLite database, but not one of ours; it is left untouched."""

    def __init__(self, message: str, *, path: str | None = None):
        super().__init__(message, reason="foreign", path=path)


class AuthenticationFailed(CommandCentreError):
    """Unknown user, wrong password, disabled or locked account."""

    exit_code = EXIT_DENIED


class AccountLocked(AuthenticationFailed):
    """Too many failed logins; the account is locked until ``until`` (UTC)."""

    def __init__(self, message: str, *, until):
        super().__init__(message)
        self.until = until


class PermissionDenied(CommandCentreError):
    """The logged-in role may not do this; nothing was changed."""

    exit_code = EXIT_DENIED


class ValidationError(CommandCentreError):
    """Input rejected before anything was written."""

    exit_code = EXIT_INVALID


class NotFound(CommandCentreError):
    """A record asked for by id or name does not exist."""

    exit_code = EXIT_INVALID
