"""Specialist Hub video plugin: shot boundaries, quality checks, and any image or audio model over a video."""
