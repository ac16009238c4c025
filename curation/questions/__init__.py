"""Questions with gold answers computed from the canonical network: families, difficulty, generator."""
