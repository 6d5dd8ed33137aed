"""Local Sphinx extension: tables generated from iopcore's own catalogs, so the docs never drift from the data."""

from __future__ import annotations

from typing import Any

from docutils import nodes
from docutils.statemachine import StringList
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective

import iopcore.compliance as compliance
import iopcore.levels as levels
from iopcore.components import COMPONENTS, TOPICS


def _cell(text: object) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ") or "–"


def _table(header: list[str], rows: list[list[object]], widths: str = "auto") -> list[str]:
    lines = [".. list-table::", "   :header-rows: 1", f"   :widths: {widths}", ""]
    for row in [header, *rows]:
        lines.append(f"   * - {_cell(row[0])}")
        lines.extend(f"     - {_cell(c)}" for c in row[1:])
    return lines


def _source(src: Any) -> str:
    if src is None:
        return "–"
    links = " ".join(f"`[{i + 1}] <{u}>`__" for i, u in enumerate(src.urls))
    note = f" — {src.note}" if src.note else ""
    return f"{src.citation} *({src.evidence.value})* {links}{note}"


class _Generated(SphinxDirective):
    def _render(self, lines: list[str]) -> list[nodes.Node]:
        container = nodes.container()
        self.state.nested_parse(StringList(lines, source="iopcore_docs"), self.content_offset, container)
        return list(container.children)


class LevelCatalogTable(_Generated):
    """``{iopcore-level-catalog} ASAM3``: one row per level with bands and sources."""

    required_arguments = 1

    def run(self) -> list[nodes.Node]:
        catalog = getattr(levels, self.arguments[0])
        rows: list[list[object]] = []
        for lv in catalog.levels:
            bands = "; ".join(f"{p.value}: {b}" for p, b in lv.hours_per_week.items()) or "–"
            band_sources = "; ".join(
                f"{p.value}: {_source(b.source)}" for p, b in lv.hours_per_week.items() if b.source is not None
            )
            rows.append(
                [
                    f"``{lv.code}``",
                    lv.name,
                    f"{lv.category.value}, {lv.setting.value}",
                    lv.management.value if lv.management else "–",
                    "yes" if lv.withdrawal_management else "no",
                    bands,
                    _source(lv.source) + (f" Bands: {band_sources}" if band_sources else ""),
                ]
            )
        header = ["Code", "Name", "Category, setting", "Management", "WM", "Hours/week", "Source"]
        return self._render(_table(header, rows))


class TransitionsTable(_Generated):
    """``{iopcore-transitions} ASAM3``: the catalog's allowed moves."""

    required_arguments = 1

    def run(self) -> list[nodes.Node]:
        catalog = getattr(levels, self.arguments[0])
        by_from: dict[str, list[str]] = {}
        for t in catalog.transitions:
            by_from.setdefault(t.from_code, []).append(t.to_code)
        rows: list[list[object]] = [[f"``{a}``", ", ".join(f"``{b}``" for b in bs)] for a, bs in by_from.items()]
        return self._render(_table(["From", "May move to"], rows))


class EditionMapTable(_Generated):
    """``{iopcore-edition-map}``: documented 3rd ↔ 4th edition correspondences."""

    def run(self) -> list[nodes.Node]:
        rows: list[list[object]] = [
            [f"``{m.asam3}``", f"``{m.asam4}``", m.note, _source(m.source)] for m in levels.ASAM_EDITION_MAP
        ]
        return self._render(_table(["3rd edition", "4th edition", "Note", "Source"], rows))


class ComponentsTable(_Generated):
    """``{iopcore-components}``: the built-in component catalog and topics."""

    def run(self) -> list[nodes.Node]:
        rows: list[list[object]] = [
            [
                f"``{c.id}``",
                c.name,
                c.delivery.value,
                str(c.typical_duration) if c.typical_duration else "varies",
                c.lead_role.value,
                _source(c.source),
            ]
            for c in COMPONENTS
        ]
        lines = _table(["Id", "Name", "Delivery", "Typical duration", "Led by", "Source"], rows)
        lines += ["", "Topics:", ""]
        lines += _table(["Id", "Title", "Source"], [[f"``{t.id}``", t.title, _source(t.source)] for t in TOPICS])
        return self._render(lines)


def _ng(x: float | None) -> str:
    return "–" if x is None else f"{x:g}"


class CutoffPanelTable(_Generated):
    """``{iopcore-cutoff-panel} HHS_2025``: a drug-test panel's cut-offs, each with its source."""

    required_arguments = 1

    def run(self) -> list[nodes.Node]:
        panel = getattr(compliance, self.arguments[0])
        lines = [f"*{panel.name}* (``{panel.id}``, {panel.specimen.value}): {_source(panel.source)}", ""]
        rows: list[list[object]] = [
            [f"``{c.analyte}``", _ng(c.screen_ng_ml), _ng(c.confirm_ng_ml), _source(c.source)] for c in panel.cutoffs
        ]
        lines += _table(["Analyte", "Screen (ng/mL)", "Confirmation (ng/mL)", "Source (if not the panel's)"], rows)
        return self._render(lines)


class AnalyteCatalogTable(_Generated):
    """``{iopcore-analytes}``: the built-in analyte codes."""

    def run(self) -> list[nodes.Node]:
        rows: list[list[object]] = [[f"``{a.code}``", a.name] for a in compliance.ANALYTES.analytes]
        return self._render(_table(["Code", "Name"], rows))


class ValidityRulesTable(_Generated):
    """``{iopcore-validity-rules} hhs_urine_2024``: one edition's specimen-validity criteria with their sections."""

    required_arguments = 1

    def run(self) -> list[nodes.Node]:
        rules = compliance.specimen_validity_rules(edition=self.arguments[0])
        rows: list[list[object]] = [[c.category.value, c.describe(), _source(c.source)] for c in rules.criteria]
        lines = [f"``{rules.id}``: {compliance.VALIDITY_EDITIONS[self.arguments[0]]}", ""]
        return self._render(lines + _table(["Category", "Criterion", "Source"], rows))


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_directive("iopcore-level-catalog", LevelCatalogTable)
    app.add_directive("iopcore-transitions", TransitionsTable)
    app.add_directive("iopcore-edition-map", EditionMapTable)
    app.add_directive("iopcore-components", ComponentsTable)
    app.add_directive("iopcore-cutoff-panel", CutoffPanelTable)
    app.add_directive("iopcore-analytes", AnalyteCatalogTable)
    app.add_directive("iopcore-validity-rules", ValidityRulesTable)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
