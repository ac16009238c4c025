"""mapcurate: curate metro maps into training and evaluation data for vision-language models."""

__version__ = "0.1.0"
