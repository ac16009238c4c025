"""The annotation document of one map image: stations, labels and line traces in full-image pixels."""

from curation.annotations.model import (
    KINDS,
    SHAPES,
    SOURCES,
    Annotation,
    AnnotationError,
    ImageRef,
    Label,
    LineTrace,
    Marker,
    Provenance,
    StationMark,
)

__all__ = [
    "KINDS", "SHAPES", "SOURCES", "Annotation", "AnnotationError", "ImageRef", "Label", "LineTrace", "Marker",
    "Provenance", "StationMark",
]
