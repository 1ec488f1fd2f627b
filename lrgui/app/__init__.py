"""Qt application layer: state, training controller, undo commands (no drawing)."""
