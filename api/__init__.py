"""The FastAPI query service: ``create_app()`` in :mod:`api.app` (see ``api/README.md``)."""
