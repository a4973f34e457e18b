"""The WebSocket design: the same tokens as WebSocket text messages (seed table row 2)."""
