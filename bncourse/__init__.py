"""Shared code of the Batch Normalization course: data loaders and the seeding helper."""
