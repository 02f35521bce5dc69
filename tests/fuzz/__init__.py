"""Fuzz testing of every shipped input format (issue 15, part 7): see docs/fuzzing.md."""
