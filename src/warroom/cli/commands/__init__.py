"""The headless commands, by what they act on. None imports Textual or Rich: `log`, `list` and
friends start as fast as the database layer allows (an import-linter contract holds it)."""
