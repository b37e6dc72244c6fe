"""hub-plugin-template: a Specialist Hub plugin."""
