"""Writes of the chain app, one module per topic (tree, classification, gaps and targets)."""
