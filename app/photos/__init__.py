"""Photo evidence on service records, orders and suggestions (issue 16)."""
