import numpy as np
import pytest
import torch


@pytest.fixture(autouse=True)
def _seed_everything():
    """Seed the global generators so that data made in tests is repeatable."""
    np.random.seed(0)
    torch.manual_seed(0)
    yield
