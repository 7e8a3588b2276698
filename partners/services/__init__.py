"""Writes that touch several rows, one module per area: ``<entity>_<verb>(*, ...)`` functions."""
