"""Errors: structured items, readable messages, builtin bases, pickling."""

from __future__ import annotations

import pickle

import pytest

from iopcore.errors import ErrorItem, InvalidDataError, IopcoreError, UnknownCodeError, child_path, type_name


def test_error_item_reads_path_colon_message() -> None:
    """str(item) is `path: message`."""
    item = ErrorItem(path="$.rules.hours_min", message="expected a number >= 0, got str", rule="type")
    assert str(item) == "$.rules.hours_min: expected a number >= 0, got str"
    assert item.under("$.problem").path == "$.problem.rules.hours_min"


def test_invalid_data_error_is_value_and_type_error() -> None:
    """InvalidDataError is an IopcoreError, ValueError and TypeError."""
    exc = InvalidDataError.single("$.x", "expected an integer, got str", "type", type_name="Thing")
    assert isinstance(exc, IopcoreError)
    assert isinstance(exc, ValueError)
    assert isinstance(exc, TypeError)
    assert str(exc) == "invalid Thing: $.x: expected an integer, got str"
    assert exc.paths == ("$.x",)


def test_multiple_items_render_one_per_line_and_deduplicate() -> None:
    """Several problems render as a list; exact duplicates collapse."""
    a = ErrorItem(path="$.a", message="m", rule="r")
    b = ErrorItem(path="$.b", message="m", rule="r")
    exc = InvalidDataError([a, b, a])
    assert exc.errors == (a, b)
    assert str(exc) == "invalid data, 2 problems:\n  $.a: m\n  $.b: m"
    assert exc.under("$[3]").paths == ("$[3].a", "$[3].b")


def test_an_error_needs_items() -> None:
    """An InvalidDataError without items is a programming error."""
    with pytest.raises(ValueError, match="at least one"):
        InvalidDataError([])


def test_error_item_validates_its_fields() -> None:
    """ErrorItem fields are strings."""
    with pytest.raises(InvalidDataError) as info:
        ErrorItem(path=1, message="m", rule="r")  # type: ignore[arg-type]
    assert info.value.paths == ("$.path",)


def test_unknown_code_error() -> None:
    """UnknownCodeError is a KeyError and an InvalidDataError with readable text and the known codes."""
    exc = UnknownCodeError(what="level", catalog="ASAM3", known=("1", "2.1"), path="$.code")
    assert isinstance(exc, KeyError)
    assert isinstance(exc, InvalidDataError)
    assert str(exc) == "invalid data: $.code: no level with this code in ASAM3; known codes: 1, 2.1"
    assert exc.known == ("1", "2.1")
    assert "(none)" in str(UnknownCodeError(what="x", catalog="c", known=()))


def test_errors_pickle() -> None:
    """Errors survive pickling (for multiprocessing and task queues)."""
    exc = InvalidDataError.single("$.x", "m", "r", type_name="T")
    back = pickle.loads(pickle.dumps(exc))
    assert back.errors == exc.errors
    assert back.type_name == "T"
    unknown = pickle.loads(pickle.dumps(UnknownCodeError(what="level", catalog="C", known=("a",), path="$.c")))
    assert isinstance(unknown, UnknownCodeError)
    assert unknown.known == ("a",)
    assert unknown.paths == ("$.c",)


@pytest.mark.parametrize(
    ("key", "path"), [(3, "$[3]"), ("hours_min", "$.hours_min"), ("two words", "$['two words']"), ("it's", "$['it\\'s']"), (1.5, "$[<float>]")]
)  # fmt: skip
def test_child_paths(key: object, path: str) -> None:
    """Keys render as `.name`, `[index]` or `['quoted']`."""
    assert child_path(key) == path


def test_type_names() -> None:
    """type_name names the type, and None as None."""
    assert type_name(None) == "None"
    assert type_name(1.5) == "float"
