"""One servicer module per proto service: translation and validation only."""
