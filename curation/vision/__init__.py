"""Reading real maps: station markers (and next line colours, OCR'd names, matching to the station lists).

Maps are read only through `curation.images`; the outputs are annotations, never a network.
"""
