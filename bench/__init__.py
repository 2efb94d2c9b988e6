"""`make bench`: a separate benchmark database with a synthetic corpus, and the measurements of
issue 9 (indexing, search and its baselines, page cost, throughput under gunicorn + wrk).

Run with `make bench` (see the Makefile) or `.venv/bin/python -m bench --help`. Nothing here is
imported by the application or collected by pytest.
"""
