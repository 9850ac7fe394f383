"""`config get` and `config set`: the settings in config.toml."""

from __future__ import annotations

import argparse

from warroom.cli.context import EXIT_OK, Context
from warroom.cli.output import out
from warroom.domain.text import printable
from warroom.paths import config_path


def cmd_get(args: argparse.Namespace, ctx: Context) -> int:
    from warroom.config import format_value, get_value, read_raw

    out(printable(format_value(get_value(read_raw(config_path()), args.key))))
    return EXIT_OK


def cmd_set(args: argparse.Namespace, ctx: Context) -> int:
    from warroom.config import set_value

    set_value(config_path(), args.key, args.value)
    return EXIT_OK
