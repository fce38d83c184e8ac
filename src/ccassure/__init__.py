"""ccassure."""
