"""Tests of the Label Studio annotation sessions, against a real server."""
