"""The ingest stage: sources (paths, folders, globs, stdin, JSON/JSONL, URLs, feeds) in,
cleaned `Article`s out.

`load(sources)` reads them (inputs.py); the web, the cleaning, the decoding, the metadata and
the fence against prompt injection each have a module of their own.
"""

from briefgen.ingest.inputs import load

__all__ = ["load"]
