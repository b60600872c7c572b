"""Les erreurs de Vigie : une base commune, des messages en français qu'une personne peut suivre.

La ligne de commande et le tableau de bord affichent ``str(err)`` sans trace d'appel.
"""

from __future__ import annotations

from pathlib import Path


class VigieError(Exception):
    """Base de toutes les erreurs que Vigie présente à l'utilisateur."""


class ImportRejected(VigieError):
    """Un fichier refusé : rien n'a été écrit dans l'entrepôt.

    ``fichier``, ``ligne`` (1 = première ligne du fichier) et ``colonne`` (nom ou numéro, 1 = première)
    situent le problème quand ils existent.
    """

    def __init__(
        self,
        message: str,
        *,
        fichier: str | Path | None = None,
        ligne: int | None = None,
        colonne: str | int | None = None,
        details: list[str] | None = None,
    ) -> None:
        self.raison = message
        self.fichier = Path(fichier).name if fichier is not None else None
        self.ligne = ligne
        self.colonne = colonne
        self.details = list(details or [])
        super().__init__(self._format())

    def _format(self) -> str:
        texte = situer(self.raison, fichier=self.fichier, ligne=self.ligne, colonne=self.colonne)
        if self.details:
            texte += "\n" + "\n".join(f"  - {d}" for d in self.details[:20])
            if len(self.details) > 20:
                texte += f"\n  … et {len(self.details) - 20} autres"
        return texte


def situer(
    message: str, *, fichier: str | Path | None = None, ligne: int | None = None, colonne: str | int | None = None
) -> str:
    """« fichier « notes.csv », ligne 4, colonne « Note » : message » — la forme de tout refus et de toute
    remarque d'import (colonne : nom entre guillemets, ou numéro à partir de 1)."""
    lieu = []
    if fichier:
        lieu.append(f"fichier « {Path(fichier).name} »")
    if ligne is not None:
        lieu.append(f"ligne {ligne}")
    if colonne is not None and colonne != "":
        lieu.append(f"colonne {colonne}" if isinstance(colonne, int) else f"colonne « {colonne} »")
    return (", ".join(lieu) + " : " if lieu else "") + message


class SettingsError(VigieError):
    """Un réglage invalide (fichier TOML de seuils, de correspondance…)."""


class WarehouseBusy(VigieError):
    """Un autre import est en cours sur le même entrepôt."""
