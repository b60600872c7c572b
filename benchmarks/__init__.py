"""Les mesures de performance de Vigie (``make bench`` / ``python -m benchmarks``), voir BENCHMARKS.md.

Jeux générés à la volée par l'école synthétique (``sample_data/generateur.py``) dans ``benchmarks/data/``
(ignoré par git, jamais commité). Aucune mesure n'est affirmée par les tests : ils vérifient seulement que
chaque cas tourne et produit son tableau.
"""
