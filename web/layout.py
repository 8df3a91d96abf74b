"""The three template tables laid out as printed, from extract's template definitions.

Why from extract.template: the keys and the Chinese labels are the extractor's contract; the
workbench must print exactly the rows the extractor reads, in the same order, so nothing here
names a row or column itself except the printed group headings of 表三 and 表四.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from extract import template


@dataclass
class Block:
    """A run of rows that share their value columns (表二 prints one header per run)."""

    columns: list[str]  # column labels, as printed
    header_groups: list[tuple[str, int]] = field(default_factory=list)  # (label, colspan)
    rows: list[tuple[str, list[str]]] = field(default_factory=list)  # (row label, cell keys)


@dataclass
class PrintedTable:
    name: str  # 表二 | 表三 | 表四
    title: str
    blocks: list[Block]

    @property
    def keys(self) -> set[str]:
        return {k for b in self.blocks for _, keys in b.rows for k in keys}


def other_split(template_name: str | None, keys: set[str]) -> bool:
    """Whether 表三's （六）其他处理 was printed as three sub-rows (as the values show)."""
    if any(k.startswith("app.result.other.no_correction.") for k in keys):
        return True
    if any(k.startswith("app.result.other.") and k.count(".") == 3 for k in keys):
        return False
    return template_name != "2019"


def printed_tables(template_name: str | None, keys: set[str]) -> list[PrintedTable]:
    """表二, 表三 and 表四 for a template version ('2021' when unknown)."""
    version = "2019" if template_name == "2019" else "2021"
    active: list[Block] = []
    for row in template.active_rows(version):
        labels = [c[1] for c in row.columns]
        if not active or active[-1].columns != labels:
            active.append(Block(labels))
        active[-1].rows.append((row.label, row.cell_keys()))
    app_cols = [c[1] for c in template.APP_COLUMNS]
    app = Block(app_cols, header_groups=[("申请人情况", len(app_cols))])
    for row in template.app_rows(other_split(template_name, keys)):
        app.rows.append((row.label, row.cell_keys()))
    review_cols = [r[1] for g in template.REVIEW_GROUPS for r in template.REVIEW_RESULTS]
    review = Block(
        review_cols,
        header_groups=[(g[1], len(template.REVIEW_RESULTS)) for g in template.REVIEW_GROUPS],
    )
    review.rows.append(("", list(template.REVIEW_KEYS)))
    return [
        PrintedTable("表二", "二、主动公开政府信息情况", active),
        PrintedTable("表三", "三、收到和处理政府信息公开申请情况", [app]),
        PrintedTable("表四", "四、政府信息公开行政复议、行政诉讼情况", [review]),
    ]


def labels() -> dict[str, str]:
    """key → printed label, both template versions (the data dictionary's labels)."""
    out: dict[str, str] = {}
    for version in ("2021", "2019"):
        for m in template.metrics(version):
            out.setdefault(m.key, m.label)
    return out
