"""Specialist Hub vision plugin: OCR, face detection, and transformers/diffusers image models."""
