"""Reading spreadsheets people bring (CSV, XLSX), mapping their columns and planning what an import would do."""
