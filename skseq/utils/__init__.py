"""Input validation and conversion helpers."""

from ._long import to_long_format
from .validation import (
    MASK_VALUE,
    InputSpec,
    Sequences,
    check_sequences,
    from_long_format,
    pad_ragged,
    unpad,
    valid_steps,
)

__all__ = [
    "MASK_VALUE",
    "InputSpec",
    "Sequences",
    "check_sequences",
    "from_long_format",
    "pad_ragged",
    "to_long_format",
    "unpad",
    "valid_steps",
]
