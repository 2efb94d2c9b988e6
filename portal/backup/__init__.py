"""Backups: the database and the media files in one archive, restored atomically (archive.py),
with `manage.py backup` and `manage.py restore`."""
