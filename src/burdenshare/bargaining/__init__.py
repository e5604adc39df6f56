"""Bilateral bargaining: outcomes, utilities, protocols, strategies, ratification, solutions."""
