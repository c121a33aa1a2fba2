"""Read and validate theme folders. Imports nothing from Django: the settings use it for static dirs.

Every error names the manifest file, the key and what is expected, because a
partner building a theme reads these messages, not the code.
"""

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

THEME_NAME_RE = re.compile(r"^[a-z][a-z0-9_-]*$")
COLOUR_RE = re.compile(r"^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")
FONT_RE = re.compile(r"^[\w\s,'\"-]+$")
MANIFEST = "theme.json"
REQUIRED_COLOURS = ("primary", "accent", "background", "text", "header_background", "header_text")
HEADER_STYLES = ("bar", "centered", "stacked")
FOOTER_STYLES = ("columns", "minimal", "centered")
DEFAULT_FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif"


class ThemeError(ValueError):
    """A theme folder that cannot be used; the message says where and why."""


@dataclass(frozen=True)
class Theme:
    name: str
    label: str
    path: Path
    colours: dict = field(default_factory=dict)
    fonts: dict = field(default_factory=dict)
    logo: str = ""
    favicon: str = ""
    header: str = "bar"
    footer: str = "columns"
    stylesheet: str = ""
    description: str = ""

    @property
    def templates_dir(self):
        return self.path / "templates"

    @property
    def static_dir(self):
        return self.path / "static"

    def static_path(self, relative):
        """The STATIC_URL-relative path of a file in the theme's static/ folder."""
        return f"themes/{self.name}/{relative}" if relative else ""


def load_theme(path):
    path = Path(path)
    name = path.name
    manifest_path = path / MANIFEST
    if not THEME_NAME_RE.match(name):
        raise ThemeError(f"{path}: the folder name {name!r} is not a theme name (lower-case letters, digits, - and _).")
    if not manifest_path.is_file():
        raise ThemeError(f"{manifest_path}: missing; every theme needs a {MANIFEST}.")
    try:
        data = json.loads(manifest_path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise ThemeError(f"{manifest_path}, line {exc.lineno}: not valid JSON ({exc.msg}).") from None
    if not isinstance(data, dict):
        raise ThemeError(f"{manifest_path}: the manifest must be a JSON object.")
    if list(path.rglob("*.py")):
        raise ThemeError(f"{path}: a theme contains no Python; remove {next(path.rglob('*.py'))}.")

    colours = data.get("colours")
    if not isinstance(colours, dict):
        raise ThemeError(f"{manifest_path}: 'colours' must be an object with {', '.join(REQUIRED_COLOURS)}.")
    for key in REQUIRED_COLOURS:
        value = colours.get(key)
        if not isinstance(value, str) or not COLOUR_RE.match(value):
            raise ThemeError(f"{manifest_path}: colours.{key} is {value!r}; give a hex colour like \"#2f6b3a\".")
    fonts = data.get("fonts", {})
    if not isinstance(fonts, dict):
        raise ThemeError(f"{manifest_path}: 'fonts' must be an object with 'body' and 'heading'.")
    fonts = {"body": fonts.get("body") or DEFAULT_FONT, "heading": fonts.get("heading") or fonts.get("body") or DEFAULT_FONT,
             "stylesheet": fonts.get("stylesheet", "")}
    for key in ("body", "heading"):
        if not FONT_RE.match(fonts[key]):
            raise ThemeError(f"{manifest_path}: fonts.{key} is {fonts[key]!r}; give a CSS font list like \"'Lora', Georgia, serif\".")
    for key in ("logo", "favicon", "stylesheet"):
        relative = data.get(key, "")
        if relative and not (path / "static" / relative).is_file():
            raise ThemeError(f"{manifest_path}: {key} names {relative!r}, which is not in {path / 'static'}.")
    if fonts["stylesheet"] and not fonts["stylesheet"].startswith("https://") and not (path / "static" / fonts["stylesheet"]).is_file():
        raise ThemeError(f"{manifest_path}: fonts.stylesheet names {fonts['stylesheet']!r}, which is not in {path / 'static'}.")
    header = data.get("header", "bar")
    if header not in HEADER_STYLES:
        raise ThemeError(f"{manifest_path}: header is {header!r}; use one of {', '.join(HEADER_STYLES)}.")
    footer = data.get("footer", "columns")
    if footer not in FOOTER_STYLES:
        raise ThemeError(f"{manifest_path}: footer is {footer!r}; use one of {', '.join(FOOTER_STYLES)}.")
    label = data.get("name")
    if not isinstance(label, str) or not label.strip():
        raise ThemeError(f"{manifest_path}: 'name' (the theme's display name) is required.")
    return Theme(
        name=name,
        label=label.strip(),
        path=path,
        colours={key: colours[key] for key in colours},
        fonts=fonts,
        logo=data.get("logo", ""),
        favicon=data.get("favicon", ""),
        header=header,
        footer=footer,
        stylesheet=data.get("stylesheet", ""),
        description=data.get("description", ""),
    )


def find_themes(theme_dirs):
    """``(themes, errors)``: every valid theme by name, and a message for each broken one.

    Earlier directories win when two hold a theme of the same name, so a
    deployment can put its own themes directory first to replace a bundled one.
    """
    themes, errors = {}, []
    for directory in theme_dirs:
        directory = Path(directory)
        if not directory.is_dir():
            continue
        for path in sorted(p for p in directory.iterdir() if p.is_dir() and not p.name.startswith((".", "_"))):
            if path.name in themes:
                continue
            try:
                themes[path.name] = load_theme(path)
            except ThemeError as exc:
                errors.append(str(exc))
    return themes, errors


def theme_static_dirs(theme_dirs):
    """STATICFILES_DIRS entries serving each theme's static/ under themes/<name>/."""
    themes, _ = find_themes(theme_dirs)
    return [(f"themes/{theme.name}", str(theme.static_dir)) for theme in themes.values() if theme.static_dir.is_dir()]
