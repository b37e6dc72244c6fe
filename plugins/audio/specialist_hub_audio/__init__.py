"""Specialist Hub audio plugin: VAD, pitch, signal features, classification, transcription."""
