"""The FastAPI query service (arrives with the query-service issue)."""
