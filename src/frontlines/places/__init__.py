"""Places: the administrative units and towns a report can name, and finding them.

- `names`: the normaliser under which transliteration variants of a name meet.
"""
