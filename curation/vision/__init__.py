"""Reading real maps: station markers and line colours (next: OCR'd names, matching to the station lists).

Maps are read only through `curation.images`; the outputs are annotations, never a network.
"""
