"""Sources: where reports come from (DESIGN.md, "A layout that reads like the flow").

`documents` reads files and corpora into clean `Document`s, `fetch` reads URLs
and feeds over HTTP, `ingest` stores what they read in batches with its
events, and `feeds` follows RSS/Atom feeds round after round (`frontlines
watch`).
"""
