"""An example Specialist Hub plugin distributed as its own package."""
