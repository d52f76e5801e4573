"""The one error the command line turns into a message and exit status 2."""


class UsageError(Exception):
    """What the instructor asked for cannot be done as asked; the message says why."""
