"""Reading real maps: station markers, line colours and label text (next: matching names to the station lists).

Maps are read only through `curation.images`; the outputs are annotations, never a network.
"""
