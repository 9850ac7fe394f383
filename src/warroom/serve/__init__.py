"""`warroom serve`: the war room's window to the outside (PRODUCT.md §9). One process, one
port: alert hooks in, the stakeholder page and metrics out. No Textual, no Rich."""
