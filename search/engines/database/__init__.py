"""The database engine (engine.py): its own case index (index.py) finds the matches (fulltext.py);
the catalogue of published cases in memory, kept from the change journal, filters, ranks and
counts them (catalogue.py, on the bit sets of case_sets.py)."""
