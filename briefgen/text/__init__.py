"""What briefgen knows about language, written once and shared by every stage: the fold of a
name (`fold`), countries and their names (`lexicon`), people's names (`names`), stems
(`stems`), shared word lists (`words`), the offline gazetteer (`gazetteer`), dates as written
(`dates`). The bottom layer: it imports no other part of briefgen but `errors` and `schemas`."""
