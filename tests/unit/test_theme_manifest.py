"""Theme folders: the bundled themes load, and a broken manifest says which file, which key and the fix."""

import json

import pytest

from storefront.themes.manifest import ThemeError, find_themes, load_theme, theme_static_dirs

COLOURS = {k: "#123456" for k in ("primary", "accent", "background", "text", "header_background", "header_text")}


def make_theme(root, folder_name="partner", **manifest):
    folder = root / folder_name
    (folder / "static").mkdir(parents=True)
    (folder / "theme.json").write_text(json.dumps({"name": "Partner", "colours": COLOURS, **manifest}))
    return folder


def test_bundled_themes_are_valid_and_clearly_different(settings):
    themes, errors = find_themes(settings.STOREFRONT_THEME_DIRS)
    assert errors == []
    grown, harvest = themes["grown"], themes["harvest"]
    assert grown.colours["primary"] != harvest.colours["primary"]
    assert grown.fonts["heading"] != harvest.fonts["heading"]
    assert (grown.header, grown.footer) != (harvest.header, harvest.footer)
    assert ("themes/harvest", str(harvest.static_dir)) in theme_static_dirs(settings.STOREFRONT_THEME_DIRS)


@pytest.mark.parametrize(
    ("manifest", "message"),
    [
        ({"colours": {**COLOURS, "primary": "green"}}, "colours.primary is 'green'; give a hex colour"),
        ({"logo": "img/missing.svg"}, "logo names 'img/missing.svg', which is not in"),
        ({"header": "sideways"}, "header is 'sideways'; use one of bar, centered, stacked"),
        ({"fonts": {"body": "Arial; } body { display: none"}}, "fonts.body is"),
        ({"name": ""}, "'name' (the theme's display name) is required"),
    ],
)
def test_bad_manifest_names_the_file_and_the_key(tmp_path, manifest, message):
    folder = make_theme(tmp_path, **manifest)
    with pytest.raises(ThemeError) as raised:
        load_theme(folder)
    assert str(folder / "theme.json") in str(raised.value) and message in str(raised.value)


def test_invalid_json_gives_the_line(tmp_path):
    folder = make_theme(tmp_path)
    (folder / "theme.json").write_text('{\n  "name": "Partner",\n  "colours": {,}\n}')
    with pytest.raises(ThemeError, match=r"theme.json, line 3: not valid JSON"):
        load_theme(folder)


def test_a_theme_contains_no_python(tmp_path):
    folder = make_theme(tmp_path)
    (folder / "templates").mkdir()
    (folder / "templates" / "hack.py").write_text("import os")
    with pytest.raises(ThemeError, match="a theme contains no Python"):
        load_theme(folder)


def test_broken_theme_is_skipped_and_reported_and_earlier_folders_win(tmp_path):
    first, second = tmp_path / "first", tmp_path / "second"
    make_theme(first, "harvest", name="Replacement")
    make_theme(second, "broken", header="sideways")
    themes, errors = find_themes([first, second])
    assert themes["harvest"].label == "Replacement" and "broken" not in themes
    assert len(errors) == 1 and "header is 'sideways'" in errors[0]
