"""Sources: where reports come from (DESIGN.md, "A layout that reads like the flow").

`feeds` follows RSS/Atom feeds round after round (`frontlines watch`). Reading
files and corpora (`documents.py`), fetching (`fetch.py`) and ingesting
(`ingest.py`) still live beside this package, to move here later.
"""
