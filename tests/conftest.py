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
