"""Livret scolaire unique (LSU) : le fichier XML d'import des bilans (``vigie import lsu FICHIER.xml``).

Format : le schéma officiel ``import-bilan-complet.xsd`` (publié avec ``sample-bilan-complet.xml`` ; copie
publique : ``tbelliard/gepi``, ``mod_LSUN/xsd/import-bilan-complet.xsd``), espace de noms
``urn:fr:edu:scolarite:lsun:bilans:import``, racine ``lsun-bilans`` ::

    lsun-bilans
      entete/etablissement                       UAI (8 caractères)
      donnees/eleves/eleve                       @id @id-be @nom @prenom @code-division
      donnees/periodes/periode                   @id @millesime @indice @nb-periodes (pas de dates)
      donnees/disciplines/discipline             @id @code @modalite-election @libelle
      donnees/bilans-periodiques/bilan-periodique
             @eleve-ref @periode-ref @date-scolarite @date-conseil-classe
         liste-acquis/acquis                     @discipline-ref ; facultatifs : @moyenne-eleve
                                                 (texte de 1 à 8 caractères : « 12.5/20 », « 12,5 »,
                                                 « Abs »), @eleve-non-note, @moyenne-structure,
                                                 @structure-non-notee, @positionnement (1–4),
                                                 appreciation (texte)
         acquis-conseils                         appréciation générale du conseil (texte)
         vie-scolaire                            @nb-retards @nb-abs-justifiees @nb-abs-injustifiees
                                                 (obligatoire ; non repris : voir plus bas)
         socle/domaine                           @code, @positionnement (facultatif ici)
      donnees/bilans-cycle/bilan-cycle           @eleve-ref @cycle @millesime @date-creation
         socle/domaine                           les 8 composantes, @positionnement 1–4

Le positionnement 0 (« dispensé ») n'est admis que pour ``CPD_ETR`` (langue étrangère ou régionale) ;
toute autre valeur refuse le fichier en nommant la ligne.

Sécurité : le fichier est lu par l'analyseur durci de ``defusedxml``, toute déclaration DTD, entité ou
référence externe est refusée sans être développée (une « bombe XML » ne coûte rien).

Ce que le lot contient :

- des :class:`Evaluation` du référentiel ``socle`` (domaine = code de la composante, item = son libellé
  officiel), datées de la création du bilan de cycle ou du conseil de classe de la période ;
- des :class:`MoyenneSource` (source ``lsu``) pour les acquis des bilans périodiques : moyenne (vide si
  l'élève n'est pas noté ou si la classe est évaluée sans notes), positionnement 1–4, appréciation de la
  discipline ; et, sur la ligne générale (matière vide), les « acquis-conseils » du bilan. Les
  appréciations sont dans la vue publique ``appreciations`` pour le conseil de classe ;
- rien de la ``vie-scolaire`` (des totaux de la période, sans dates : Vigie tient les absences et les
  retards, datés, des exports de Pronote) ni de la ``synthese`` du bilan de cycle (README, Formats) ;
- des :class:`Periode` : LSU ne donne pas les bornes des périodes, on prend la plus ancienne
  ``date-scolarite`` (début de scolarité dans la période) et le plus tardif ``date-conseil-classe``.

L'en-tête ne donne que l'UAI, pas le nom de l'établissement : on le vérifie sans l'écrire dans l'entrepôt
(il y écraserait le nom connu).
"""

from __future__ import annotations

import datetime as dt
import re
import xml.sax
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.handler import ContentHandler, feature_namespaces

from defusedxml import DefusedXmlException, DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden
from defusedxml.expatreader import DefusedExpatParser

from models.annee_scolaire import libelle as libelle_annee
from models.errors import ImportRejected
from models.nombres import arrondi
from models.messages import lecture_impossible, technique, xml_connu, xml_mal_forme
from models.records import (
    COMPOSANTES_SOCLE,
    Anomalie,
    Evaluation,
    Lot,
    MoyenneSource,
    Periode,
    RefEleve,
    StatutCompetence,
)

from .common import TAILLE_MAX
from .options import Option

#: Options acceptées (connectors/options.py) : aucune, l'export porte classes et périodes.
OPTIONS: dict[str, Option] = {}

NS = "urn:fr:edu:scolarite:lsun:bilans:import"

#: Seule composante où LSU admet 0 (dispensé) : un élève peut être dispensé de langue vivante.
DISPENSE_POSSIBLE = frozenset({"CPD_ETR"})

#: Nom de la période selon le nombre de périodes de l'année (LSU ne les nomme pas).
_NOMS_PERIODES = {3: "Trimestre", 2: "Semestre"}


@dataclass
class Noeud:
    """Un élément XML et la ligne où il commence (pour les messages d'erreur)."""

    nom: str
    attrs: dict[str, str]
    ligne: int
    enfants: list["Noeud"] = field(default_factory=list)
    texte: str = ""

    def enfant(self, nom: str) -> "Noeud | None":
        return next((e for e in self.enfants if e.nom == nom), None)

    def tous(self, chemin: str) -> list["Noeud"]:
        """Les descendants au bout d'un chemin « a/b/c »."""
        courants = [self]
        for pas in chemin.split("/"):
            courants = [e for c in courants for e in c.enfants if e.nom == pas]
        return courants


class _Arbre(ContentHandler):
    def __init__(self) -> None:
        super().__init__()
        self.racine: Noeud | None = None
        self.uri_racine: str | None = None
        self._pile: list[Noeud] = []
        self._loc = None

    def setDocumentLocator(self, locator) -> None:  # noqa: N802 (API SAX)
        self._loc = locator

    def ligne(self) -> int | None:
        return self._loc.getLineNumber() if self._loc else None

    def startElementNS(self, name, qname, attrs) -> None:  # noqa: N802
        uri, local = name
        noeud = Noeud(local, {k[1]: v for k, v in attrs.items()}, self.ligne() or 0)
        if self._pile:
            self._pile[-1].enfants.append(noeud)
        else:
            self.racine, self.uri_racine = noeud, uri
        self._pile.append(noeud)

    def endElementNS(self, name, qname) -> None:  # noqa: N802
        n = self._pile.pop()
        n.texte = n.texte.strip()

    def characters(self, content: str) -> None:
        if self._pile:
            self._pile[-1].texte += content


def analyser(chemin: Path) -> Noeud:
    """L'arbre du fichier, lu sans DTD ni entités ; refuse tout ce qui n'est pas un XML sain."""
    try:
        taille = chemin.stat().st_size
    except OSError as err:
        raise ImportRejected(lecture_impossible(err), fichier=chemin) from err
    if taille > TAILLE_MAX:
        raise ImportRejected("fichier trop volumineux pour un export LSU", fichier=chemin)
    arbre = _Arbre()
    parser = DefusedExpatParser(forbid_dtd=True, forbid_entities=True, forbid_external=True)
    parser.setFeature(feature_namespaces, True)
    parser.setContentHandler(arbre)
    try:
        with open(chemin, "rb") as f:
            parser.parse(f)
    except (DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden, DefusedXmlException) as err:
        raise ImportRejected(
            "le fichier déclare une DTD ou des entités XML (possible « bombe XML » ou lecture de fichiers "
            "externes) : un export LSU n'en contient jamais, il est refusé sans être lu",
            fichier=chemin,
            ligne=arbre.ligne(),
        ) from err
    except xml.sax.SAXParseException as err:
        # expat compte les colonnes à partir de 0, l'utilisateur à partir de 1
        message = err.getMessage()
        raise ImportRejected(
            xml_mal_forme(message),
            fichier=chemin,
            ligne=err.getLineNumber(),
            colonne=err.getColumnNumber() + 1,
            details=[] if xml_connu(message) else [technique(message)],
        ) from err
    except LookupError as err:  # prologue <?xml … encoding="TF-8"?> : expat ne connaît pas l'encodage
        raise ImportRejected(
            "encodage inconnu déclaré dans la première ligne (<?xml … encoding=…?>) : UTF-8 attendu",
            fichier=chemin, ligne=1,
        ) from err
    except (xml.sax.SAXException, OSError, ValueError) as err:
        raise ImportRejected(
            "XML illisible : exportez de nouveau le fichier depuis le logiciel de vie scolaire",
            fichier=chemin, details=[technique(err)],
        ) from err
    racine = arbre.racine
    if racine is None or racine.nom != "lsun-bilans" or arbre.uri_racine not in (NS, None):
        trouve = f"{{{arbre.uri_racine}}}{racine.nom}" if racine and arbre.uri_racine else (racine.nom if racine else "rien")
        raise ImportRejected(
            f"ce n'est pas un fichier LSU : racine « lsun-bilans » ({NS}) attendue, « {trouve} » trouvée",
            fichier=chemin,
            ligne=racine.ligne if racine else None,
        )
    return racine


# --- Lecture ------------------------------------------------------------------------------------------


def lire(chemin: Path, **_: object) -> Lot:
    racine = analyser(chemin)
    lecteur = _Lecteur(chemin)
    return lecteur.lire(racine)


_MOYENNE = re.compile(r"^\s*(\d+(?:[.,]\d+)?)\s*(?:/\s*(\d+))?\s*$")


class _Lecteur:
    def __init__(self, chemin: Path) -> None:
        self.chemin = chemin
        self.anomalies: list[Anomalie] = []

    def refus(self, message: str, noeud: Noeud, attribut: str | None = None) -> ImportRejected:
        return ImportRejected(message, fichier=self.chemin, ligne=noeud.ligne, colonne=attribut)

    def attr(self, noeud: Noeud, nom: str) -> str:
        valeur = noeud.attrs.get(nom, "").strip()
        if not valeur:
            raise self.refus(f"attribut « {nom} » manquant sur <{noeud.nom}>", noeud, nom)
        return valeur

    def date(self, noeud: Noeud, nom: str) -> dt.date:
        valeur = self.attr(noeud, nom)
        try:  # xs:date, ou xs:dateTime pour date-verrou : on garde le jour
            return dt.date.fromisoformat(valeur[:10])
        except ValueError:
            raise self.refus(f"« {valeur} » n'est pas une date AAAA-MM-JJ", noeud, nom) from None

    def lire(self, racine: Noeud) -> Lot:
        self.entete(racine)
        donnees = racine.enfant("donnees")
        if donnees is None:
            raise self.refus("élément <donnees> absent", racine)
        eleves = self.eleves(donnees)
        periodes = self.periodes(donnees)
        # L'identité d'une discipline est celle que LSU lui donne (code + modalité d'élection, sinon son id),
        # le libellé n'est que pour l'affichage : « LV2 » enseignée en deux modalités reste deux disciplines
        # (le schéma l'admet : type Discipline, @modalite-election ; son exemple officiel en montre deux).
        disciplines = {
            self.attr(d, "id"): (d.attrs.get("libelle") or self.attr(d, "code"), _identite_discipline(d.attrs))
            for d in donnees.tous("disciplines/discipline")
        }
        evaluations: list[Evaluation] = []
        moyennes: list[MoyenneSource] = []
        bornes: dict[str, tuple[dt.date, dt.date]] = {}
        bilans_p = donnees.tous("bilans-periodiques/bilan-periodique")
        for b in bilans_p:
            ref = self.reference(b, "eleve-ref", eleves)
            pid = self.attr(b, "periode-ref")
            if pid not in periodes:
                raise self.refus(f"période « {pid} » non déclarée dans <periodes>", b, "periode-ref")
            nom_periode, _annee = periodes[pid]
            conseil = self.date(b, "date-conseil-classe")
            debut = self.date(b, "date-scolarite") if "date-scolarite" in b.attrs else None
            if debut:
                ancien = bornes.get(pid, (debut, conseil))
                bornes[pid] = (min(ancien[0], debut), max(ancien[1], conseil))
            for a in b.tous("liste-acquis/acquis"):
                moyennes.append(self.acquis(a, ref, nom_periode, disciplines))
            conseils = b.enfant("acquis-conseils")
            if conseils is not None and conseils.texte:
                # Les « acquis et conseils » du bilan : l'appréciation générale du conseil de classe.
                moyennes.append(MoyenneSource(eleve=ref, periode=nom_periode, matiere=None,
                                              appreciation=conseils.texte, source="lsu"))
            evaluations += self.socle(b, ref, conseil, f"LSU {nom_periode}", nom_periode, complet=False)
        bilans_c = donnees.tous("bilans-cycle/bilan-cycle")
        for b in bilans_c:
            ref = self.reference(b, "eleve-ref", eleves)
            cycle = self.attr(b, "cycle")
            if cycle not in {"3", "4"}:  # type Cycle du schéma : 3 ou 4 (les bilans du collège)
                raise self.refus(f"cycle « {cycle} » inconnu (3 ou 4 attendu)", b, "cycle")
            quand = self.date(b, "date-creation")
            evaluations += self.socle(b, ref, quand, f"LSU bilan de cycle {cycle}", None, complet=True)
        lot_periodes = []
        for pid, (debut, fin) in bornes.items():
            nom, annee = periodes[pid]
            if annee and debut <= fin:
                lot_periodes.append(Periode(nom=nom, annee=annee, debut=debut, fin=fin))
        return Lot(
            source="lsu",
            fichier=self.chemin,
            lignes_lues=len(bilans_p) + len(bilans_c),
            periodes=lot_periodes,
            evaluations=evaluations,
            moyennes=moyennes,
            anomalies=self.anomalies,
        )

    def entete(self, racine: Noeud) -> None:
        uai = racine.enfant("entete")
        uai = uai.enfant("etablissement") if uai else None
        if uai is not None and not re.fullmatch(r"\d{7}[A-Z]", uai.texte):
            self.anomalies.append(
                Anomalie(ligne=uai.ligne, colonne="etablissement", message=f"UAI « {uai.texte} » mal formé")
            )

    def eleves(self, donnees: Noeud) -> dict[str, RefEleve]:
        eleves: dict[str, RefEleve] = {}
        for e in donnees.tous("eleves/eleve"):
            eid = self.attr(e, "id")
            nom = e.attrs.get("nom", "").strip()
            if not nom:
                # Le schéma rend nom et prénom facultatifs (« informations de débogage ») ; id-be est
                # l'identifiant SIECLE (ELE_ID), pas l'INE : sans nom, Vigie ne peut pas rapprocher l'élève.
                # Refus documenté « hors du champ de Vigie » (README, Formats).
                raise self.refus(
                    f"l'élève « {eid} » n'a pas de nom : hors du champ de Vigie, qui reconnaît les élèves par "
                    "leur nom (réexportez avec les noms et prénoms)", e, "nom")
            if eid in eleves:
                raise self.refus(f"identifiant d'élève « {eid} » en double", e, "id")
            eleves[eid] = RefEleve(
                nom=nom,
                prenom=e.attrs.get("prenom", "").strip() or None,
                classe=e.attrs.get("code-division", "").strip() or None,
                ligne=e.ligne,
            )
        return eleves

    def periodes(self, donnees: Noeud) -> dict[str, tuple[str, str | None]]:
        """id → (nom « Trimestre 2 », année scolaire « 2025-2026 » d'après le millésime)."""
        res: dict[str, tuple[str, str | None]] = {}
        for p in donnees.tous("periodes/periode"):
            pid = self.attr(p, "id")
            try:
                indice = int(self.attr(p, "indice"))
                nb = int(p.attrs.get("nb-periodes") or 0)
            except ValueError:
                raise self.refus("indice ou nb-periodes non entier", p, "indice") from None
            millesime = p.attrs.get("millesime", "").strip()
            # le millésime est l'année de la rentrée (2025 pour 2025-2026)
            annee = libelle_annee(int(millesime)) if re.fullmatch(r"\d{4}", millesime) else None
            res[pid] = (f"{_NOMS_PERIODES.get(nb, 'Période')} {indice}", annee)
        return res

    def reference(self, noeud: Noeud, attribut: str, eleves: dict[str, RefEleve]) -> RefEleve:
        eid = self.attr(noeud, attribut)
        if eid not in eleves:
            raise self.refus(f"élève « {eid} » non déclaré dans <eleves>", noeud, attribut)
        return eleves[eid]

    def acquis(self, a: Noeud, ref: RefEleve, periode: str, disciplines: dict[str, tuple[str, str]]) -> MoyenneSource:
        did = self.attr(a, "discipline-ref")
        if did not in disciplines:
            raise self.refus(f"discipline « {did} » non déclarée dans <disciplines>", a, "discipline-ref")
        # Le schéma (type Acquis) rend tout facultatif : moyenne, positionnement 1–4, « non noté »,
        # appréciation. Une classe sans notes n'a qu'un positionnement (SACoche l'écrit ainsi) ; un
        # élève non noté n'a pas de moyenne. Aucun n'est inventé.
        ou = f"{ref.libelle()}, {periode}, {disciplines[did][0]}"
        moyenne = self.moyenne_ou_rien(a, "moyenne-eleve", "eleve-non-note", ou)
        classe = self.moyenne_ou_rien(a, "moyenne-structure", "structure-non-notee", ou)
        positionnement = a.attrs.get("positionnement", "").strip() or None
        if positionnement is not None and positionnement not in {"1", "2", "3", "4"}:
            raise self.refus(f"positionnement « {positionnement} » invalide (1 à 4 attendu)", a, "positionnement")
        appreciation = a.enfant("appreciation")
        return MoyenneSource(
            eleve=ref,
            periode=periode,
            matiere=disciplines[did][0],
            service_source=disciplines[did][1],
            moyenne=moyenne,
            moyenne_classe=classe,
            positionnement=positionnement,
            appreciation=(appreciation.texte or None) if appreciation is not None else None,
            source="lsu",
        )

    def booleen(self, a: Noeud, attribut: str) -> bool:
        """Un ``xs:boolean`` : « true » / « 1 » ou « false » / « 0 » ; absent → faux ; autre → refus."""
        brut = a.attrs.get(attribut, "").strip().lower()
        if brut in {"", "false", "0"}:
            return False
        if brut in {"true", "1"}:
            return True
        raise self.refus(f"« {a.attrs[attribut]} » n'est pas un booléen (true ou false)", a, attribut)

    def moyenne_ou_rien(self, a: Noeud, attribut: str, non_note: str, ou: str) -> float | None:
        """La moyenne d'un acquis (``moyenne-eleve`` ou ``moyenne-structure``), ou None.

        Le schéma (type ``MoyenneAlphanumerique``) admet **tout texte de 1 à 8 caractères** : un nombre
        (« 12.5/20 », « 12,5 », « 0/200 » chez GEPI), mais aussi un texte (« Abs », « NN », « Disp »).
        Un texte qui n'est pas un nombre n'est pas une moyenne : rien n'est inventé, l'acquis est gardé
        sans moyenne et une remarque le dit. « Non noté » (``eleve-non-note`` / ``structure-non-notee``)
        l'emporte sur une moyenne écrite à côté, remarque à l'appui. Refusés : un texte vide ou de plus
        de 8 caractères qui n'est pas un nombre (interdits par le schéma), une moyenne au-delà de 20."""
        non = self.booleen(a, non_note)
        if attribut not in a.attrs:
            return None
        brut = a.attrs[attribut].strip()
        if not brut or (len(brut) > 8 and not _MOYENNE.match(brut)):
            raise self.refus(
                f"moyenne « {a.attrs[attribut]} » illisible : ni un nombre (12.5/20), ni un texte de 1 à 8 "
                "caractères (type MoyenneAlphanumerique du schéma LSU)", a, attribut)
        if non:
            self.anomalies.append(Anomalie(ligne=a.ligne, colonne=attribut, message=(
                f"{ou} : {attribut} « {brut} » à côté de {non_note}=true : non noté, la moyenne n'est pas "
                "gardée")))
            return None
        if not _MOYENNE.match(brut):
            self.anomalies.append(Anomalie(ligne=a.ligne, colonne=attribut, message=(
                f"{ou} : {attribut} « {brut} » n'est pas un nombre (le schéma LSU admet un texte court) : "
                "gardé sans moyenne")))
            return None
        return self.moyenne(a, attribut)

    def moyenne(self, a: Noeud, attribut: str) -> float:
        """« 12.5/20 » (ou « 12.5 », « 12,5/20 ») → 12.5 ; une autre base est ramenée sur 20."""
        brut = a.attrs[attribut]
        m = _MOYENNE.match(brut)
        base = int(m.group(2)) if m and m.group(2) else 20
        if not m or base == 0:
            raise self.refus(f"moyenne « {brut} » illisible (forme attendue : 12.5/20)", a, attribut)
        valeur = float(m.group(1).replace(",", ".")) * 20 / base
        if valeur > 20:
            raise self.refus(f"moyenne « {brut} » au-delà de 20", a, attribut)
        return float(arrondi(valeur))

    def socle(
        self, bilan: Noeud, ref: RefEleve, quand: dt.date, contexte: str, periode: str | None, *, complet: bool
    ) -> list[Evaluation]:
        res: list[Evaluation] = []
        vus: set[str] = set()
        for d in bilan.tous("socle/domaine"):
            code = self.attr(d, "code")
            if code not in COMPOSANTES_SOCLE:
                raise self.refus(
                    f"composante du socle « {code} » inconnue (attendu : {', '.join(COMPOSANTES_SOCLE)})", d, "code"
                )
            if code in vus:
                raise self.refus(f"composante « {code} » positionnée deux fois dans le même bilan", d, "code")
            vus.add(code)
            if not complet and not d.attrs.get("positionnement", "").strip():
                continue  # bilan périodique : le positionnement d'un domaine est facultatif (DomaineSocle)
            brut = self.attr(d, "positionnement")
            if brut not in {"0", "1", "2", "3", "4"}:
                raise self.refus(f"positionnement « {brut} » invalide pour {code} (1 à 4 attendu)", d, "positionnement")
            niveau = int(brut)
            if niveau == 0 and code not in DISPENSE_POSSIBLE:
                raise self.refus(
                    f"positionnement 0 (dispensé) interdit pour {code} : seul CPD_ETR (langue) l'admet",
                    d,
                    "positionnement",
                )
            res.append(
                Evaluation(
                    eleve=ref,
                    referentiel="socle",
                    domaine=code,
                    item=COMPOSANTES_SOCLE[code],
                    niveau=niveau or None,
                    libelle_source=brut,
                    statut=StatutCompetence.DISPENSE if niveau == 0 else StatutCompetence.EVALUE,
                    date=quand,
                    periode=periode,
                    contexte=contexte,
                )
            )
        manquantes = [c for c in COMPOSANTES_SOCLE if c not in vus]
        if complet and manquantes:  # le schéma LSU exige les 8 : on garde le reste et on le signale
            self.anomalies.append(
                Anomalie(
                    ligne=bilan.ligne,
                    colonne="socle",
                    message=f"bilan de cycle de {ref.libelle()} sans {', '.join(manquantes)}",
                )
            )
        return res


def _identite_discipline(attrs: dict[str, str]) -> str:
    """« 061300/S » : le code de la matière (BCN) et la modalité d'élection ; sinon l'id du document."""
    code, modalite = attrs.get("code", "").strip(), attrs.get("modalite-election", "").strip()
    return f"{code}/{modalite}" if code else attrs.get("id", "").strip()
