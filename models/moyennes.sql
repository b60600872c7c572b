-- Le calcul des moyennes comme Pronote, non arrondies (vue interne t_moyennes_calcul) ; son résultat est
-- gardé dans la table t_moyennes, rafraîchie à chaque import et purge (models/precalcul.py), que la vue
-- publique « moyennes » lit. Une ligne par élève, période et service ; matiere NULL = moyenne générale.
-- Lit les tables t_* et les vues internes t_* (jamais restreintes, models/schema.py) : la moyenne, le min,
-- le max, la médiane et le rang d'une classe sont ceux de toute la classe, même pour un rôle qui ne voit
-- que quelques élèves ; models/acces.py ne restreint que les lignes de la vue publique (eleve_id).
-- La classe d'une ligne est la classe de l'élève à cette période (t_classes_periodes : celle que les
-- exports de notes de la période indiquent, sinon la liste d'élèves de l'année), sinon sa classe actuelle.
-- Les règles (ramener sur 20, bonus, facultatifs, statuts, sous-services) sont expliquées dans
-- models/moyennes.py et épinglées par tests/test_moyennes.py.
-- Performance : les notes ne sont lues qu'une fois, par UNE agrégation par élève × période × libellé ;
-- la classe, le service et les coefficients de matière se joignent ensuite, sur ces agrégats (dix fois
-- moins de lignes que de notes). Seuls les facultatifs (quelques % des notes) passent par des fenêtres.
-- La classe de chaque période (t_classes_periodes) relit les notes par une agrégation de plus, par élève ×
-- période : +17 % sur la vue entière (médiane de 5, école fictive de 600 élèves sur deux ans, 0,72 → 0,85 s).
WITH points AS NOT MATERIALIZED (
    -- NOT MATERIALIZED : lue deux fois (sommes, facultatifs), la CTE serait sinon gardée entière en mémoire
    -- (toutes les notes jointes à leurs devoirs) ; relire les notes coûte moins (deux à trois fois moins de
    -- calcul et de mémoire à 10 établissements), le filtre des facultatifs descend jusqu'aux devoirs.
    -- Statuts : « absent_zero » et « non_rendu_zero » comptent 0 ; absent, dispense, non_note, inapte,
    -- non_rendu, non_concerne sont écartés. Un devoir de coefficient 0 ne pèse rien : écarté aussi.
    -- Moyenne = 20 × Σ num / Σ den. Ramené sur 20 : chaque note convertie sur 20 d'abord (den = coef × 20) ;
    -- sinon chaque devoir pèse son barème (den = coef × barème).
    SELECT eleve_id, annee, periode, matiere, feuille, devoir_id, coef, bonus, facultatif, v * 20 / bareme AS v20,
           coef * CASE WHEN ramener_sur_20 THEN v * 20 / bareme ELSE v END AS num,
           coef * CASE WHEN ramener_sur_20 THEN 20 ELSE bareme END AS den
    FROM (
        -- feuille : le service tel que la source l'identifie (identifiant Pronote), sinon son libellé ; deux
        -- sous-services de même libellé sont deux feuilles (issue 14).
        SELECT eleve_id, annee, periode, matiere, coalesce(NULLIF(service_source, ''), matiere) AS feuille, devoir_id,
               coefficient AS coef, bareme, bonus, facultatif,
               ramener_sur_20, CASE WHEN statut = 'note' THEN valeur ELSE 0 END AS v
        FROM t_notes JOIN t_devoirs USING (devoir_id)
        WHERE (statut = 'note' AND valeur IS NOT NULL OR statut IN ('absent_zero', 'non_rendu_zero'))
          AND coefficient > 0
    )
),
sommes AS (
    -- Une ligne par élève, période et libellé : les notes ordinaires (ni bonus ni facultatives) et les
    -- bonus. Bonus : seuls les points au-dessus de 10 (sur 20), pondérés par le coefficient du devoir,
    -- s'ajoutent au numérateur de la moyenne pondérée ; le dénominateur ne bouge pas.
    SELECT eleve_id, annee, periode, matiere, feuille,
           sum(num) FILTER (WHERE NOT bonus AND NOT facultatif) AS num,
           sum(den) FILTER (WHERE NOT bonus AND NOT facultatif) AS den,
           sum(coef) FILTER (WHERE NOT bonus AND NOT facultatif) AS coefs,
           count(*) FILTER (WHERE NOT bonus AND NOT facultatif) AS nb,
           sum(coef * greatest(v20 - 10, 0)) FILTER (WHERE bonus) AS pts
    FROM points
    GROUP BY eleve_id, annee, periode, matiere, feuille
),
facultatifs_essayes AS (
    -- Facultatifs « comme une note » : essayés du meilleur au moins bon, gardés tant qu'ils font monter
    -- la moyenne. v > moyenne(S) ⇔ v > moyenne(S ∪ {v}) : la condition se lit sur les sommes cumulées.
    SELECT p.eleve_id, p.annee, p.periode, p.matiere, p.feuille, p.num, p.den, p.coef,
           (coalesce(o.den, 0) = 0 AND row_number() OVER w = 1)
           OR p.v20 > 20 * (coalesce(o.num, 0) + sum(p.num) OVER w) / (coalesce(o.den, 0) + sum(p.den) OVER w)
               AS monte,
           p.v20, p.devoir_id
    FROM points p
    JOIN sommes o USING (eleve_id, annee, periode, matiere, feuille)
    WHERE p.facultatif AND NOT p.bonus
    WINDOW w AS (PARTITION BY p.eleve_id, p.annee, p.periode, p.matiere, p.feuille
                 ORDER BY p.v20 DESC, p.devoir_id ROWS UNBOUNDED PRECEDING)
),
facultatifs AS (
    -- Triés par ordre décroissant, les facultatifs retenus forment un préfixe : on s'arrête au premier
    -- qui ne fait pas monter la moyenne.
    SELECT eleve_id, annee, periode, matiere, feuille, sum(num) AS num, sum(den) AS den, sum(coef) AS coefs,
           count(*) AS nb
    FROM (
        SELECT *, bool_and(monte) OVER (PARTITION BY eleve_id, annee, periode, matiere, feuille
                                        ORDER BY v20 DESC, devoir_id ROWS UNBOUNDED PRECEDING) AS retenu
        FROM facultatifs_essayes
    )
    WHERE retenu
    GROUP BY ALL
),
feuilles AS (
    -- La moyenne de chaque libellé Pronote (service ou sous-service), plafonnée à 20 (bonus). La classe
    -- est celle de l'élève à cette période, sinon sa classe actuelle (un élève hors de l'effectif n'a pas
    -- de moyenne).
    SELECT s.eleve_id, coalesce(cp.classe, e.classe) AS classe, s.annee, s.periode, s.matiere,
           coalesce(m.service, trim(split_part(s.matiere, '>', 1))) AS service,
           CASE WHEN coalesce(s.den, 0) + coalesce(f.den, 0) > 0 THEN least(20,
               20 * (coalesce(s.num, 0) + coalesce(f.num, 0)) / (coalesce(s.den, 0) + coalesce(f.den, 0))
               + coalesce(s.pts, 0) / (coalesce(s.coefs, 0) + coalesce(f.coefs, 0)))
           END AS moyenne,
           s.nb + coalesce(f.nb, 0) AS nb_notes,
           m.coefficient, m.famille
    FROM sommes s
    JOIN t_classes_actuelles e USING (eleve_id)
    LEFT JOIN t_classes_periodes cp USING (eleve_id, annee, periode)
    LEFT JOIN facultatifs f USING (eleve_id, annee, periode, matiere, feuille)
    LEFT JOIN t_matieres m ON m.matiere = s.matiere
),
services AS (
    -- Un sous-service (« ANGLAIS LV1 > Expression écrite ») se rattache à son service : la moyenne du service
    -- est celle de ses sous-services pondérée par leurs coefficients (matieres.coefficient, 1 par défaut).
    SELECT f.eleve_id, f.classe, f.annee, f.periode, f.service AS matiere,
           CASE WHEN sum(f.poids) > 0 THEN sum(f.poids * f.moyenne) / sum(f.poids) ELSE avg(f.moyenne) END
               AS moyenne,
           sum(f.nb_notes) AS nb_notes,
           coalesce(any_value(s.famille), any_value(f.famille), 'general') AS famille,
           coalesce(any_value(s.coefficient), 1) AS coefficient
    FROM (SELECT *, CASE WHEN matiere = service THEN 1 ELSE coalesce(coefficient, 1) END AS poids
          FROM feuilles WHERE moyenne IS NOT NULL) f
    LEFT JOIN t_matieres s ON s.matiere = f.service
    GROUP BY f.eleve_id, f.classe, f.annee, f.periode, f.service
),
generales AS (
    -- Moyenne générale : moyennes des services pondérées par leur coefficient de matière.
    SELECT eleve_id, classe, annee, periode, NULL::VARCHAR AS matiere,
           sum(coefficient * moyenne) / sum(coefficient) AS moyenne,
           sum(nb_notes) AS nb_notes, NULL::VARCHAR AS famille, NULL::DOUBLE AS coefficient
    FROM services WHERE coefficient > 0
    GROUP BY ALL
),
toutes AS (
    SELECT * FROM services UNION ALL BY NAME SELECT * FROM generales
)
SELECT eleve_id, classe, annee, periode, matiere, moyenne, nb_notes::INTEGER AS nb_notes,
       avg(moyenne) OVER c AS moyenne_classe,
       min(moyenne) OVER c AS min_classe,
       max(moyenne) OVER c AS max_classe,
       median(moyenne) OVER c AS mediane_classe,
       rank() OVER (PARTITION BY classe, annee, periode, matiere ORDER BY moyenne DESC)::INTEGER AS rang,
       famille, coefficient
FROM toutes
WINDOW c AS (PARTITION BY classe, annee, periode, matiere)
