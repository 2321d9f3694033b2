"""Every example script runs to the end.

CI runs the gallery's once, in the documentation build (which shows their
output and figures): ``.ci/run`` sets ``SKSEQ_EXAMPLES_IN_DOCS=1`` for the
tests. The demo (``make demo``) is not in the gallery and always runs here.
"""

import os
import pathlib
import subprocess
import sys

import pytest

EXAMPLES = sorted(
    (pathlib.Path(__file__).resolve().parent.parent / "examples").glob("*.py")
)


@pytest.mark.parametrize("script", EXAMPLES, ids=lambda path: path.stem)
def test_example_runs(script, tmp_path):
    if script.stem.startswith("plot_") and os.environ.get("SKSEQ_EXAMPLES_IN_DOCS"):
        pytest.skip("the documentation build of this run executes the gallery")
    env = {**os.environ, "MPLBACKEND": "Agg"}
    result = subprocess.run(
        [sys.executable, str(script)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.strip(), "an example prints what it shows"
