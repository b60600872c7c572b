"""Toutes les alertes d'un entrepôt, alternées avec le plancher, et le profil par règle (BENCHMARKS.md,
« (c) Alertes ensemblistes »).

``python -m benchmarks.alertes DB PASSAGES`` : un passage à froid (écarté) puis ``PASSAGES`` passages, chacun
le plancher — le ``GROUP BY`` nu des notes de ``benchmarks/rafraichissement.py``, lu en entier — puis
``models.alertes.alertes(wh, au=fin de la dernière période)`` sur une connexion en lecture seule ; horloge et
temps de calcul (utilisateur + système du processus, fils de DuckDB compris) ; puis un passage de chaque
famille de règles (``models.alertes._FAMILLES``), précédé de la lecture des périodes précédentes."""

from __future__ import annotations

import os
import resource
import statistics
import sys
import time


def _cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def mesurer(db: str, passages: int) -> None:
    from models import alertes as A
    from models.reglages import charger_reglages
    from models.warehouse import lecture

    plancher: list[tuple[float, float]] = []
    calcul: list[tuple[float, float]] = []
    for i in range(passages + 1):
        wh = lecture(db)
        try:
            fin = wh.valeur("SELECT max(fin) FROM t_periodes")
            t, c = time.perf_counter(), _cpu()
            wh.con.execute("SELECT eleve_id, devoir_id, count(*), sum(valeur) FROM t_notes GROUP BY ALL").fetchall()
            p = (time.perf_counter() - t, _cpu() - c)
            t, c = time.perf_counter(), _cpu()
            n = A.alertes(wh, au=fin).height
            a = (time.perf_counter() - t, _cpu() - c)
        finally:
            wh.close()
        print(f"passage {i}{' (à froid, écarté)' if i == 0 else ''} : plancher {p[0]:.2f} s ({p[1]:.2f} s de calcul) ; "
              f"alertes {a[0]:.2f} s ({a[1]:.2f} s de calcul), {n} alertes ; charge {os.getloadavg()[0]:.1f}", flush=True)
        if i:
            plancher.append(p)
            calcul.append(a)
    if passages:
        md = statistics.median
        pm, pc = md(x[0] for x in plancher), md(x[1] for x in plancher)
        am, ac = md(x[0] for x in calcul), md(x[1] for x in calcul)
        print(f"médianes ({passages}) : plancher {pm:.2f} s, {pc:.2f} s de calcul ; alertes {am:.2f} s, "
              f"{ac:.2f} s de calcul ; rapport au plancher {am / pm:.2f} (horloge), {ac / pc:.2f} (calcul)", flush=True)
    wh = lecture(db)
    try:
        fin = wh.valeur("SELECT max(fin) FROM t_periodes")
        eleves = wh.sql("SELECT eleve_id, nom, prenom, classe FROM eleves")
        periodes = wh.sql("SELECT annee, periode, debut, fin FROM periodes ORDER BY debut").rows()
        ctx = A._Ctx(wh, charger_reglages(), fin,
                     dict(zip(eleves["eleve_id"], zip(eleves["nom"], eleves["prenom"], eleves["classe"]))),
                     None, periodes)
        t, c = time.perf_counter(), _cpu()
        ctx.precedentes()
        print(f"  périodes précédentes : {time.perf_counter() - t:.2f} s ({_cpu() - c:.2f} s de calcul)", flush=True)
        for _, famille in A._FAMILLES:
            t, c = time.perf_counter(), _cpu()
            n = len(famille(ctx))
            print(f"  {famille.__name__:22s} {time.perf_counter() - t:7.2f} s ({_cpu() - c:.2f} s de calcul), {n} alertes",
                  flush=True)
    finally:
        wh.close()


if __name__ == "__main__":
    mesurer(sys.argv[1], int(sys.argv[2]))
