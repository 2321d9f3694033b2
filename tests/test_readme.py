"""Every Python block of the README and of the documentation runs as written.

The blocks of one page run in order, statement by statement, in one
namespace (a page reads top to bottom), in a temporary directory; a block
that says it is "not run by the tests" (it needs a package CI does not
install) is skipped. An expression whose
line ends with a comment ``# <median>: <low> to <high> over random_state ...``
quotes a figure: its value must fall in that range (the spread over seeds
that ``benchmarks/`` measured), so that the figures stay true on any machine.
"""

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
RANGE = re.compile(r"#.*?(-?[\d.]+) to (-?[\d.]+) over random_state")


def markdown_blocks(path):
    return re.findall(r"```python\n(.*?)```", path.read_text(), flags=re.S)


def rst_blocks(path):
    blocks = re.findall(
        r"\.\. code-block:: python\n\n((?:    .*\n|\n)+)", path.read_text()
    )
    return [
        "\n".join(line[4:] for line in block.splitlines()) + "\n" for block in blocks
    ]


PAGES = {
    "README.md": markdown_blocks(ROOT / "README.md"),
    **{
        str(path.relative_to(ROOT)): rst_blocks(path)
        for path in sorted((ROOT / "docs").rglob("*.rst"))
        # not what the build generates (the gallery's pages, the API's)
        if not {"_build", "generated", "auto_examples"} & set(path.parts)
    },
}
PAGES = {page: blocks for page, blocks in PAGES.items() if blocks}


def run_block(name, source, namespace):
    """Run ``source``; return the (value, low, high) of each quoted figure."""
    figures = []
    lines = source.splitlines()
    for statement in ast.parse(source).body:
        if isinstance(statement, ast.Expr):
            code = compile(ast.Expression(statement.value), name, "eval")
            value = eval(code, namespace)  # noqa: S307 - our own documentation
            quoted = RANGE.search(lines[statement.end_lineno - 1])
            if quoted:
                figures.append((float(value), *map(float, quoted.groups())))
        else:
            exec(compile(ast.Module([statement], []), name, "exec"), namespace)  # noqa: S102
    return figures


def test_the_pages_are_found():
    assert len(PAGES["README.md"]) >= 3
    assert len(PAGES["docs/getting_started.rst"]) >= 3
    assert "docs/user_guide/forecasting.rst" in PAGES


def run_page(page, blocks):
    """Run a page's blocks in one namespace; fail on a figure outside its range."""
    namespace = {}
    for number, source in enumerate(blocks):
        if "not run by the tests" in source:
            continue
        name = f"{page}[{number}]"
        for value, low, high in run_block(name, source, namespace):
            assert low <= value <= high, f"{name}: {value} outside [{low}, {high}]"


@pytest.mark.parametrize("page", list(PAGES))
def test_page_blocks_run_and_their_figures_hold(page, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # blocks may write files (skseq.save)
    run_page(page, PAGES[page])


def test_a_figure_outside_its_range_is_caught():
    source = "x = 1\nx + 1  # 2: 3 to 4 over random_state 0-4\n"
    assert run_block("example", source, {}) == [(2.0, 3.0, 4.0)]
    with pytest.raises(AssertionError, match=r"2.0 outside \[3.0, 4.0\]"):
        run_page("example", [source])
    run_page("example", [source.replace("3 to 4", "1 to 4")])
