"""Synthetic metro maps: procedural networks, octilinear layout, label placement, rendering."""
