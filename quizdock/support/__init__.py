"""Helpers of the standard library's kind, used by every layer."""
