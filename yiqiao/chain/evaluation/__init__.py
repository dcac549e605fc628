"""Judged organisation-classification set (train/dev/frozen) and its scorer."""
