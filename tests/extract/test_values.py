from extract.values import parse_value


def test_integers_and_separators():
    assert parse_value("10").value == 10
    assert parse_value("1,142").value == 1142
    assert parse_value("1 142").value == 1142
    assert parse_value("１２").value == 12


def test_units_and_decimals():
    v = parse_value("91.61万元")
    assert v.value == 91.61 and isinstance(v.value, float) and v.raw == "91.61万元"
    assert parse_value("12件").value == 12
    assert parse_value("0.00").value == 0.0


def test_placeholders_are_null_never_zero():
    for raw in ("", " ", "/", "-", "—", "无", "／", "——"):
        v = parse_value(raw)
        assert v.kind == "null" and v.value is None, raw


def test_text_is_not_a_value():
    assert parse_value("行政许可").kind == "text"
    assert parse_value("1.属于国家秘密").kind == "text"
    assert parse_value("-15").value == -15
