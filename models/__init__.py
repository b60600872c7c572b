"""Le modèle canonique de Vigie : enregistrements, entrepôt DuckDB, analyses et alertes."""
