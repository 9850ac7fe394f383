"""`warroom`: parse the command line, run the command, turn what went wrong into an exit status.

Exit status: 0 success; 2 bad input or usage, with one `error:` line on stderr and nothing
written; 1 the database could not be written or reached (StorageError: one `error:` line,
nothing saved) or an unexpected failure.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence

from warroom.cli.context import EXIT_BAD_INPUT, EXIT_FAILURE, EXIT_OK, Context
from warroom.cli.output import error as print_error
from warroom.cli.output import out
from warroom.cli.parser import build_parser, join_time_values
from warroom.domain.clock import Clock, SystemClock
from warroom.domain.errors import AlreadyDone, BadInput, StorageError


def main(argv: Sequence[str] | None = None, *, clock: Clock | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(
            join_time_values(sys.argv[1:] if argv is None else [str(arg) for arg in argv])
        )
        if args.db is not None and not args.db.strip():
            # An unset variable in a script (`--db "$DB"`): not the user's own database.
            raise BadInput("--db is empty: give a database file or a postgresql:// URL")
        ctx = Context(db=args.db, clock=clock or SystemClock())
        handler: Callable[[argparse.Namespace, Context], int] | None = getattr(
            args, "handler", None
        )
        if handler is None:
            from warroom.cli.launch import run_app  # the home screen

            return run_app(ctx, None)
        return handler(args, ctx)
    except AlreadyDone as error:  # a retried command: not a failure, and nothing recorded
        out(f"{error}: nothing changed")
        return EXIT_OK
    except BadInput as error:
        print_error(str(error), getattr(error, "details", ()))
        return EXIT_BAD_INPUT
    except StorageError as error:  # a full disk, an I/O error, a database kept busy: nothing
        # was saved, and trying again later can work
        print_error(str(error))
        return EXIT_FAILURE
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader went away (`warroom list | head`): not our failure.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    except Exception as error:  # the one place unexpected failures are reported
        if os.environ.get("WARROOM_DEBUG"):
            raise
        first_line = str(error).splitlines()[0] if str(error) else ""
        print_error(f"unexpected failure: {type(error).__name__}: {first_line}")
        return EXIT_FAILURE
