"""Schema migrations, in tortoise-orm's own format (see docs/operations.md).

``0001_initial`` is the schema of release 44e3236; each later file is one change. Files
named ``NNNN_*.py`` are written by ``jixiao makemigrations`` and kept as written; modules
starting with ``_`` hold the data steps they call (the loader skips them).
"""
