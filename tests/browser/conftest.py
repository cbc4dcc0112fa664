"""The browser fixtures (``live_server``, ``browser``, ``page``) live in tests/conftest.py, shared by every folder."""
