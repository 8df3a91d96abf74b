from extract.checks import narrative_checks, narrative_figures, table_checks


def test_review_group_fail_is_source_when_printed():
    vals = {
        "review.upheld": 10,
        "review.corrected": 1,
        "review.other": 0,
        "review.pending": 0,
        "review.total": 0,
    }
    out = [c for c in table_checks(vals, {}, True) if c["rule"] == "review.group_total"]
    assert out[0]["status"] == "fail" and out[0]["culprit"] == "source"
    assert set(out[0]["keys"]) == set(vals)
    assert out[1]["status"] == "not_assessable"


def test_reconstructed_cells_make_culprit_unknown():
    vals = {
        f"review.{r}": v
        for r, v in zip(
            ("upheld", "corrected", "other", "pending", "total"), (1, 0, 0, 0, 2), strict=True
        )
    }
    out = table_checks(vals, {"review.total": "split"}, True)[0]
    assert out["status"] == "fail" and out["culprit"] == "unknown"


def test_row_total_pass():
    keys = [
        "natural_person",
        "commercial",
        "research",
        "social_welfare",
        "legal_service",
        "other_org",
        "total",
    ]
    vals = {f"app.new.{k}": v for k, v in zip(keys, (64, 0, 0, 2, 0, 4, 70), strict=True)}
    rows = [c for c in table_checks(vals, {}, True) if c["rule"] == "app.row_total"]
    assert rows[0]["status"] == "pass"


def test_narrative_figures():
    figs = narrative_figures(
        "2023年，我局新收依申请公开10件。我局因政府信息公开行政复议0件，行政诉讼0件。",
        2023,  # the report's year, as extract.api passes it
    )
    assert figs == {"app.new.total": 10, "review.total": 0, "litigation.total": 0}
    out = narrative_checks(figs, {"app.new.total": 9}, {})
    assert out[0]["status"] == "fail" and out[0]["keys"] == ["app.new.total"]
