"""The industry chain (issue #12): tree, classification of organisations, gaps and targets."""
