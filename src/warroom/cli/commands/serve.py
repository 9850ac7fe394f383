"""`warroom serve`: alert hooks in, the stakeholder page and metrics out (PRODUCT.md §9)."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys

from warroom.cli.context import EXIT_OK, Context
from warroom.cli.output import warn
from warroom.domain.errors import BadInput


def cmd_serve(args: argparse.Namespace, ctx: Context) -> int:
    from warroom.serve.secrets import HOOK_TOKEN_ENV, VIEW_TOKEN_ENV, load_secrets
    from warroom.serve.server import Options, Server, is_loopback, serve_until_signal

    host = args.host.strip()
    if not host:
        raise BadInput("--host is empty: give an address such as 127.0.0.1")
    if not 0 <= args.port <= 65535:
        raise BadInput(f"--port {args.port}: give a port from 1 to 65535 (0: any free one)")
    secrets = load_secrets(os.environ, ctx.setting)
    if not is_loopback(host) and secrets.view_token is None:
        raise BadInput(
            f"--host {host} is not a loopback address: the pages would be open to anyone who "
            f"reaches it; set a view token first ({VIEW_TOKEN_ENV} or serve.view_token_file)"
        )
    if secrets.hook_token is None:
        warn(f"no hook token ({HOOK_TOKEN_ENV} or serve.token_file): every hook is refused")
    config = ctx.config
    logging.basicConfig(
        stream=sys.stderr, level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s"
    )
    options = Options(
        host=host,
        port=args.port,
        secrets=secrets,
        schedule=config.schedule,
        tz=config.tz,
        cadence={level: policy.describe() for level, policy in config.cadence.items()},
    )
    with ctx.open_store() as store:
        server = Server(store, options)
        shown = f"[{host}]" if ":" in host else host

        def announce(port: int) -> None:
            logging.getLogger("warroom.serve").info(
                "listening on http://%s:%d (database %s)", shown, port, store.target.display
            )

        asyncio.run(serve_until_signal(server, announce=announce))
    return EXIT_OK
