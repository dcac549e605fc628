"""Pages of the capital app (one module per topic): parse, call one service or query, render."""
