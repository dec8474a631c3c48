"""Readers for the input formats: each turns a file into visible text with a TextMap back to the file."""
