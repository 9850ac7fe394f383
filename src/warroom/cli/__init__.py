"""The command line: a stable contract (PRODUCT.md §5) that scripts and alert hooks call.

`parser` is its grammar, `commands` the headless commands, `launch` the way into the
full-screen app, `main` the entry point that turns failures into exit statuses."""
