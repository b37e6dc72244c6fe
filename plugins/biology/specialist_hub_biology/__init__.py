"""Specialist Hub biology plugin: protein and nucleic-acid sequence models."""
