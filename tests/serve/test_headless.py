"""The server is headless: importing it (and running a store through it) loads no Textual
and no Rich, and `warroom log` does not pay for aiohttp."""

import subprocess
import sys


def test_the_server_never_imports_textual_or_rich() -> None:
    code = (
        "import sys\n"
        "import warroom.serve.server, warroom.serve.hooks, warroom.serve.pages\n"
        "import warroom.cli.commands.serve, warroom.cli.commands.inbox\n"
        "loaded = [m for m in sys.modules if m.split('.')[0] in ('textual', 'rich')]\n"
        "assert not loaded, loaded\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_the_command_line_loads_the_server_only_to_serve() -> None:
    code = (
        "import sys\n"
        "import warroom.cli.parser\n"
        "parser = warroom.cli.parser.build_parser()\n"
        "loaded = [m for m in sys.modules if m.split('.')[0] in ('aiohttp', 'jinja2')]\n"
        "assert not loaded, loaded\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
