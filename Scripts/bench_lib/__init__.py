"""Helpers of Scripts/bench: processes, competitors, load clients, scenarios and the report."""
