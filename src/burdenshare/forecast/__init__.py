"""Multi-actor forecasting models: baselines, Bueno de Mesquita expected utility, KTAB-style SMP."""
