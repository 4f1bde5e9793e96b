"""Cypher as package data: ``schema/`` DDL per backend, ``<family>/<name>.cypher`` patterns."""
