"""Writes of the accounts app, one module per topic (logins, passwords)."""
