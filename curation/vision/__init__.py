"""Reading real maps: station markers, line colours, label text and its match to the station list (next:
labels associated with markers, `mapcurate prelabel`).

Maps are read only through `curation.images`; the outputs are annotations, never a network.
"""
