"""Refusing bad input in a command: the errors a step can meet, each with its plain message and exit code.

Commands say once, around the step, what each expected error means for the user, instead of repeating
``except ...: click.echo(...); sys.exit(n)`` for every step. Anything not named is raised as before.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager

import click

Message = Callable[[BaseException], "str | Iterable[str]"]
Refusals = dict[type[BaseException] | tuple[type[BaseException], ...], tuple[Message, int]]


@contextmanager
def refusing(refusals: Refusals) -> Iterator[None]:
    """Inside the block, the first error type in ``refusals`` that matches prints its message (a line, or
    several) to standard error and exits with its code; the order of ``refusals`` is the order tried."""
    try:
        yield
    except Exception as exc:
        for kinds, (message, code) in refusals.items():
            if isinstance(exc, kinds):
                said = message(exc)
                for line in [said] if isinstance(said, str) else said:
                    click.echo(line, err=True)
                sys.exit(code)
        raise
