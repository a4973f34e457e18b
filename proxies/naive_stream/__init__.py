"""The naive streaming design: streams, but sends no anti-buffering headers."""
