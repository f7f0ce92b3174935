"""The employee report and the signed download links (XLSX, printable HTML)."""
