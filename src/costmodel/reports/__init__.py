"""Formatting of results: console tables, workbooks. No model logic here."""
