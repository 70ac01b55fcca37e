"""Places: the administrative units and towns a report can name, and finding them.

- `names`: the normaliser under which transliteration variants of a name meet,
  its rules grouped in rule sets a profile chooses (`NameFolding`).
- `fuzzy`: the second pass, for misspellings no rule foresaw: which words may
  be a name, and how close a key must be.
- `gazetteer`: the read side, the in-memory `Gazetteer` that finds names in
  text (exactly, then fuzzily) and serves searches. It needs neither the
  database nor the GIS stack, so the extractor can import it cheaply.
- `boundaries`: reading boundary files (COD-AB, geoBoundaries) into `Place`s,
  and point in polygon.
- `settlements`: reading settlement files (GeoNames exports of any country,
  tables derived from them) into populated places.
- `layers`: one layer per level: which of a batch's files to import for each
  level, and why the others are skipped.
- `workspace`: the gazetteer as stored in a workspace: importing boundary
  and settlement files and GeoNames places, centres and capitals, and
  `load_gazetteer`.

Imports run one way: `workspace` builds on the others, `layers` on
`boundaries` and `settlements`, `gazetteer` on `fuzzy` and `names`, `fuzzy`
and `settlements` on `names`, and `boundaries` needs none of them.
"""
