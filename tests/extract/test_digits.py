from extract import digits


def _vals(cands):
    return [tuple(v for v, _ in c) for c in cands]


def test_unique_under_row_identity():
    cands = digits.filter_splits(digits.splits(["640020470"], 7), digits.row_sum_ok)
    assert _vals(cands) == [(64, 0, 0, 2, 0, 4, 70)]


def test_no_leading_zeros_and_whitespace_boundary():
    assert _vals(digits.splits(["000"], 3)) == [(0, 0, 0)]
    assert _vals(digits.splits(["500000", "5"], 7)) == [(5, 0, 0, 0, 0, 0, 5)]
    assert all("05" not in raw for c in digits.splits(["1050"], 3) for _, raw in c)


def test_ambiguous_without_identity():
    cands = digits.splits(["693665"], 3)
    assert len(cands) > 1
    assert digits.agreed(_vals(cands)) == [None, None, None]


def test_review_groups():
    cands = digits.filter_splits(digits.splits(["10203120001200000"], 15), digits.review_ok)
    assert (1, 0, 2, 0, 3, 12, 0, 0, 0, 12, 0, 0, 0, 0, 0) in _vals(cands)


def test_negative_change():
    assert _vals(digits.splits(["35-15"], 2)) == [(35, -15)]
