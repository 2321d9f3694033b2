import os

import numpy as np
import pytest
import torch
from hypothesis import settings

# In CI every run tries the same examples, so that a failure reproduces; on a
# developer's machine hypothesis explores new ones each run.
settings.register_profile("ci", derandomize=True, print_blob=True)
settings.load_profile("ci" if os.environ.get("CI") else "default")


@pytest.fixture(autouse=True)
def _seed_everything():
    """Seed the global generators so that data made in tests is repeatable."""
    np.random.seed(0)
    torch.manual_seed(0)
    yield


@pytest.fixture
def ctrl_c_raises():
    """Let SIGINT raise KeyboardInterrupt, as in an interactive session.

    A test run started in the background of a non-interactive shell inherits
    SIGINT ignored, and then no Ctrl-C reaches it; tests of what Ctrl-C does
    restore Python's own handler for their duration.
    """
    import signal

    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    yield
    signal.signal(signal.SIGINT, previous)
