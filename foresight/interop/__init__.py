"""Exchange with other tools: REFI-QDA projects (.qdpx) and tables (CSV / XLSX)."""
