"""The package marks itself typed (PEP 561): type checkers read its annotations where used."""

from importlib.resources import files


def test_package_is_marked_typed():
    assert files("briefgen").joinpath("py.typed").is_file()
