"""The extract stage: one article in, one grounded extraction out (extract.py), through any
model backend; long articles in parts (chunks.py), every quote checked (grounding.py), the cache
key (cachekey.py), batch mode (batch.py) and the optional claim check (claimcheck.py)."""
