"""Structural alerts (PAINS, Brenk, NIH...) matched with RDKit's FilterCatalog."""

from __future__ import annotations

from rdkit.Chem.FilterCatalog import FilterCatalog, FilterCatalogParams

from specialist_hub import OptionError

from .molecules import MoleculeModel

CATALOGS = FilterCatalogParams.FilterCatalogs


def parse_catalogs(text: str) -> list[str]:
    """``"PAINS, brenk"`` -> ``["PAINS", "BRENK"]``; unknown names are an OptionError."""
    names = [part.strip().upper() for part in text.split(",") if part.strip()]
    known = {name.upper(): name for name in CATALOGS.names}
    unknown = [name for name in names if name not in known]
    if unknown or not names:
        raise OptionError(
            f"Option 'catalogs': unknown catalogue(s) {', '.join(unknown) or '(none given)'}; "
            f"choose from {', '.join(CATALOGS.names)} (comma-separated)."
        )
    return [known[name] for name in names]


class AlertsModel(MoleculeModel):
    def load(self):
        params = FilterCatalogParams()
        for name in parse_catalogs(self.options["catalogs"]):
            params.AddCatalog(CATALOGS.names[name])
        self.catalog = FilterCatalog(params)

    def compute(self, item):
        mol = item.mol
        matches = [{"catalog": entry.GetProp("FilterSet"), "name": entry.GetDescription()}
                   for entry in self.catalog.GetMatches(mol)]
        return {
            "passes": not matches,
            "n_alerts": len(matches),
            "alerts": matches,
            "catalogs_matched": sorted({m["catalog"] for m in matches}),
        }
