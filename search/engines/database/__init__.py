"""The database engine (engine.py): the index in the database finds the matches (fulltext.py),
the catalogue of published cases in memory filters, ranks and counts them (catalogue.py, on
the bit sets of case_sets.py); Wagtail's database backend with a rebuild that scales
(backend.py, sqlite_backend.py)."""
