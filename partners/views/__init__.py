"""Staff-facing views, one module per area."""
