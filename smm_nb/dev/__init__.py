"""Tools for developing the workbook itself (not used by reports)."""
