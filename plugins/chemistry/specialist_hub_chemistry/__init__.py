"""Specialist Hub chemistry plugin: molecular property models built on RDKit and Chemprop."""
