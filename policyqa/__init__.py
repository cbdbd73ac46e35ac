"""Project-wide pieces that belong to no single layer: the settings table."""
