"""Label Studio annotation sessions: labeling configs, tiles, push and pull, the local server, agreement."""
