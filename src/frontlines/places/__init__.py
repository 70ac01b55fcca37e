"""Places: the administrative units and towns a report can name, and finding them.

- `names`: the normaliser under which transliteration variants of a name meet.
- `gazetteer`: the read side, the in-memory `Gazetteer` that finds names in
  text and serves searches. It needs neither the database nor the GIS stack,
  so the extractor can import it cheaply.
- `boundaries`: reading boundary files (COD-AB, geoBoundaries) into `Place`s,
  and point in polygon.
- `workspace`: the gazetteer as stored in a workspace: importing boundary
  files and GeoNames places, capitals, and `load_gazetteer`.

Imports run one way: `workspace` builds on the other three, `gazetteer` on
`names`, and `boundaries` needs none of them.
"""
