"""Keep the message catalogues in step with the code: ``python tools/messages.py``.

Runs Babel (a test and development dependency, not needed at run time):

1. ``extract``: every ``_()``, ``N_()``, ``ngettext()``, ``gettext_in()`` and ``ngettext_in()``
   message of the package, and the docstring of every command (a function decorated with
   ``@command`` or ``@app.command(...)``: typer shows it as the command's help), into
   ``quizdock/locale/quizdock.pot``;
2. ``update``: new messages into each language's ``.po`` (to translate), stale ones marked obsolete;
3. ``compile``: each ``.po`` into the ``.mo`` that quizdock reads (committed beside it).

tests/test_i18n.py fails when a catalogue is behind the code.
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

REPO = Path(__file__).resolve().parent.parent
PACKAGE = REPO / "quizdock"
LOCALE = PACKAGE / "locale"
POT = LOCALE / "quizdock.pot"
# Modules whose texts are not in the catalogue yet (their own tables of both languages).
NOT_YET: tuple[str, ...] = ()
KEYWORDS = {
    "_": None,
    "N_": None,
    "ngettext": (1, 2),
    "gettext_in": (2,),
    "ngettext_in": (2, 3),
    "bilingual": (1,),
    "bilingual_n": (1, 2),
}


def _is_command(node: ast.FunctionDef) -> bool:
    for decorator in node.decorator_list:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        name = target.attr if isinstance(target, ast.Attribute) else getattr(target, "id", "")
        if name == "command":
            return True
    return False


def extract(fileobj: IO[bytes], keywords: Any, comment_tags: Any, options: Any) -> Iterator[tuple[Any, ...]]:
    """Babel's Python extraction, plus the help of each command (its docstring)."""
    from babel.messages.extract import extract_python

    source = fileobj.read()
    fileobj.seek(0)
    yield from extract_python(fileobj, keywords, comment_tags, options)
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.FunctionDef) and _is_command(node):
            doc = ast.get_docstring(node, clean=True)
            if doc:
                yield node.body[0].lineno, "", doc, ["help of a command; typer shows its first line in lists"]


def messages() -> list[Any]:
    """Every message of the package, as Babel extracts it: (file, line, message, comments, context)."""
    from babel.messages.extract import extract_from_dir

    method = f"{__name__}:extract" if __name__ != "__main__" else "__main__:extract"
    found = extract_from_dir(
        str(PACKAGE),
        method_map=[("**.py", method)],
        keywords=KEYWORDS,
        comment_tags=("TRANSLATORS:",),
        strip_comment_tags=True,
    )
    return [item for item in found if item[0] not in NOT_YET]


def template() -> Any:
    """The catalogue template (.pot) built from the code."""
    from babel.messages.catalog import Catalog

    catalog = Catalog(project="quizdock", msgid_bugs_address="", charset="utf-8")
    for filename, lineno, message, comments, context in messages():
        catalog.add(message, None, [(f"quizdock/{filename}", lineno)], auto_comments=comments, context=context)
    return catalog


def main(argv: list[str]) -> int:
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po, write_po

    sys.modules.setdefault("__main__", sys.modules[__name__])
    pot = template()
    with POT.open("wb") as out:
        write_po(out, pot, width=100, sort_by_file=True, omit_header=False)
    for po_path in sorted(LOCALE.glob("*/LC_MESSAGES/quizdock.po")):
        with po_path.open("rb") as source:
            catalog = read_po(source, locale=po_path.parts[-3])
        catalog.update(pot, no_fuzzy_matching=True)
        with po_path.open("wb") as out:
            write_po(out, catalog, width=100, ignore_obsolete=True, sort_by_file=True)
        with po_path.with_suffix(".mo").open("wb") as out:
            write_mo(out, catalog)
        missing = [m.id for m in catalog if m.id and (not m.string or m.fuzzy)]
        print(f"{po_path.relative_to(REPO)}: {len(catalog)} messages, {len(missing)} to translate")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
