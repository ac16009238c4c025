"""The canonical metro network: model, importers, validation and the quality report."""

from curation.network.model import Line, Network, Station

__all__ = ["Line", "Network", "Station"]
