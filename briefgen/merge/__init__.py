"""The merge stage: per-article extractions in, one Brief out. Pure: no I/O, no clock, no network.

`merge(results)` makes the brief (brief.py wires the steps); `claim_candidates(results)` lists
the near-miss claim pairs the optional claim check asks a model about before the merge.
"""

from briefgen.merge.brief import claim_candidates, merge

__all__ = ["claim_candidates", "merge"]
