"""The zip archive of a skseq file: members, manifest, checksums, limits.

Nothing is read whole before its size is known: the sizes in the zip's
directory are checked first (zipfile then reads no more than they say), so a
small file that inflates to gigabytes is refused at once. All the members
together may inflate to 100 times their compressed size, or 1 MiB where
that is more, however many there are, and a file holds at most
:data:`MAX_NETWORKS` networks. A member is inflated only when it is read:
the weights of a network when a config names them.

From format 5 the manifest's checksums list the members: ``config.json``,
``arrays.npz`` and a ``weights*.safetensors`` per network (an estimator's
config names its own; a detector holds several). Formats 1 to 4 hold one
network, in ``weights.safetensors``; their other members are not read.
"""

import hashlib
import io
import json
import re
import struct
import zipfile
import zlib
from collections import Counter

import numpy as np

from .._versions import versions

__all__ = [
    "FORMAT_VERSION",
    "MAX_NETWORKS",
    "MEMBERS",
    "Archive",
    "FileError",
    "arrays_of",
    "at",
    "tensor_shapes",
    "write_archive",
]

FORMAT = "skseq"
FORMAT_VERSION = 5
# the members of formats 1 to 4 (from 5, those the manifest lists)
MEMBERS = ("config.json", "arrays.npz", "weights.safetensors")
_REQUIRED = ("config.json", "arrays.npz")
# the networks of a file: weights.safetensors, then weights-1 to weights-9999
MAX_NETWORKS = 10_000
_NAME = re.compile(r"config\.json|arrays\.npz|weights(-[1-9][0-9]{0,3})?\.safetensors")
_MAX_MEMBERS = len(("manifest.json", *_REQUIRED)) + MAX_NETWORKS
# the members together may inflate to at most this many times their
# compressed size (zip bombs inflate 1,000-fold; numbers and weights compress
# less than 10-fold) ...
_MAX_RATIO = 100
# ... or to this size, whatever their compressed size
_SMALL = 1 << 20
_MAX_MANIFEST = 1 << 20


class FileError(ValueError):
    """A malformed field of a skseq file (the caller adds the file's name)."""


def at(field, name):
    """Return the name of ``field``'s part ``name`` (``name`` alone at the top)."""
    return f"{field}.{name}" if field else name


def _sha256(data):
    return hashlib.sha256(data).hexdigest()


def write_archive(path, members, version=FORMAT_VERSION):
    """Write ``members`` (name -> bytes) with a manifest of versions and checksums."""
    manifest = {
        "format": FORMAT,
        "format_version": version,
        "versions": versions(),
        "sha256": {name: _sha256(data) for name, data in members.items()},
    }
    stored = _stored_members(members)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("manifest.json", json.dumps(manifest, indent=2))
        for name, data in members.items():
            kind = zipfile.ZIP_STORED if name in stored else zipfile.ZIP_DEFLATED
            archive.writestr(name, data, compress_type=kind)


def _stored_members(members):
    """Return the members to write uncompressed, so that the file loads.

    Honest data can compress past the bound :func:`_check_sizes` sets (a
    forecaster of hundreds of all-zero series: 347 to 1); the most
    compressible members are then stored as they are, until the rest keep
    within it.
    """
    if sum(len(data) for data in members.values()) <= _SMALL:
        return set()  # within the bound however well it compresses
    sizes = {
        name: (len(data), len(zlib.compress(data))) for name, data in members.items()
    }
    inflated = sum(size for size, _ in sizes.values())
    compressed = sum(packed for _, packed in sizes.values())
    stored = set()
    for name in sorted(sizes, key=lambda n: sizes[n][1] / max(sizes[n][0], 1)):
        if inflated <= max(_SMALL, _MAX_RATIO * compressed):
            break
        stored.add(name)
        compressed += sizes[name][0] - sizes[name][1]
    return stored


def _check_names(path, infos):
    if len(infos) > _MAX_MEMBERS:
        raise ValueError(
            f"{path} holds {len(infos)} members; a skseq file holds at most "
            f"{_MAX_MEMBERS} (refused)."
        )
    counts = Counter(info.filename for info in infos)
    duplicated = sorted(name for name, count in counts.items() if count > 1)
    if duplicated:
        raise ValueError(f"{path}: members {duplicated[:5]} appear twice.")
    if "manifest.json" not in counts:
        raise ValueError(
            f"{path} is not a skseq file: member manifest.json is missing."
        )


def _member_names(path, manifest, infos):
    """Return the members to read: from format 5, those the manifest lists."""
    names = {info.filename for info in infos}
    if manifest["format_version"] < 5:
        wanted = MEMBERS
    else:
        wanted = tuple(manifest["sha256"])
        unlisted = sorted(names - {"manifest.json", *wanted})
        if unlisted:
            raise ValueError(
                f"{path}: members {unlisted[:5]} are not in the manifest's checksums."
            )
        unknown = [name for name in wanted if not _NAME.fullmatch(name)]
        if unknown:
            raise ValueError(
                f"{path}: manifest.json field sha256 names unknown members "
                f"{sorted(unknown)[:5]}."
            )
    for name in (*_REQUIRED, *wanted):
        if name not in names:
            raise ValueError(f"{path} is not a skseq file: member {name} is missing.")
    if not all(name in manifest["sha256"] for name in (*_REQUIRED, *wanted)):
        raise ValueError(f"{path}: manifest.json field sha256 is malformed.")
    return wanted


def _check_sizes(path, infos, wanted):
    """Refuse members that declare more than a skseq file holds, all together."""
    listed = [info for info in infos if info.filename in wanted]
    inflated = sum(info.file_size for info in listed)
    compressed = sum(info.compress_size for info in listed)
    if inflated > max(_SMALL, _MAX_RATIO * compressed):
        largest = max(listed, key=lambda info: info.file_size)
        raise ValueError(
            f"{path}: its {len(listed)} members declare {inflated} bytes from "
            f"{compressed} compressed ({largest.filename} declares "
            f"{largest.file_size}), more than skseq files hold; refused."
        )


def _manifest(path, archive):
    if archive.getinfo("manifest.json").file_size > _MAX_MANIFEST:
        raise ValueError(
            f"{path}: member manifest.json declares more than {_MAX_MANIFEST} "
            "bytes, more than skseq files hold; refused."
        )
    try:
        manifest = json.loads(archive.read("manifest.json"))
    except (ValueError, RecursionError) as exc:
        raise ValueError(f"{path}: manifest.json is not valid JSON ({exc}).") from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise ValueError(f"{path} is not a skseq file (manifest.json field format).")
    version = manifest.get("format_version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise ValueError(f"{path}: manifest.json field format_version is malformed.")
    if version > FORMAT_VERSION:
        raise ValueError(
            f"{path} was written in skseq file format {version}; this skseq reads "
            f"up to {FORMAT_VERSION}: upgrade skseq."
        )
    checksums = manifest.get("sha256")
    if not isinstance(checksums, dict) or not all(
        isinstance(value, str) for value in checksums.values()
    ):
        raise ValueError(f"{path}: manifest.json field sha256 is malformed.")
    if not isinstance(manifest.get("versions", {}), dict):
        raise ValueError(f"{path}: manifest.json field versions is malformed.")
    return manifest


class _Unreadable:
    """Turn zipfile's errors into a ValueError naming the file."""

    def __init__(self, path):
        self.path = path

    def __enter__(self):
        return self

    def __exit__(self, kind, exc, traceback):
        if isinstance(exc, FileNotFoundError):
            return False  # no file is not a damaged one
        if isinstance(
            exc, (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError)
        ):
            raise ValueError(
                f"{self.path} is not a readable skseq file (or it is damaged): {exc}"
            ) from exc
        if isinstance(exc, NotImplementedError):  # compression methods zipfile lacks
            raise ValueError(f"{self.path}: {exc}") from exc
        return False


class Archive:
    """An open skseq file: its manifest, and its members read when asked.

    Opening checks the zip directory (names, their number, the sizes they
    declare together) and the manifest; :meth:`read` inflates one member and
    checks its checksum. Raises ValueError naming the file for anything that
    is not an intact skseq file: not a zip, missing or oversized members, a
    malformed manifest, a newer format, a checksum that does not match;
    FileNotFoundError where there is no file. Use it as a context manager.
    """

    def __init__(self, path):
        self.path = path
        with _Unreadable(path):
            self._zip = zipfile.ZipFile(path)
        try:
            with _Unreadable(path):
                infos = self._zip.infolist()
                _check_names(path, infos)
                self.manifest = _manifest(path, self._zip)
                self.names = _member_names(path, self.manifest, infos)
                _check_sizes(path, infos, self.names)
        except BaseException:
            self._zip.close()
            raise

    @property
    def version(self):
        """The file's format."""
        return self.manifest["format_version"]

    def read(self, name):
        """Return the bytes of member ``name`` (one of ``names``), checksum checked."""
        with _Unreadable(self.path):
            data = self._zip.read(name)
        if _sha256(data) != self.manifest["sha256"][name]:
            raise ValueError(
                f"{self.path} is corrupted: the checksum of {name} does not match; "
                "the file was damaged or altered after it was saved."
            )
        return data

    def close(self):
        self._zip.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def arrays_of(path, data):
    """Return the arrays of ``arrays.npz``, read with ``allow_pickle=False``."""
    # arrays.npz is itself a zip: its members are checked before numpy inflates
    # them (save writes them uncompressed, so they hold no more than the file)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as npz:
            declared = sum(info.file_size for info in npz.infolist())
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError) as exc:
        raise ValueError(f"{path}: arrays.npz is malformed ({exc}).") from exc
    if declared > len(data):
        raise ValueError(
            f"{path}: arrays.npz declares {declared} bytes of arrays in {len(data)} "
            "bytes; skseq writes them uncompressed, so they would inflate: refused."
        )
    try:
        with np.load(io.BytesIO(data), allow_pickle=False) as npz:
            arrays = {name: npz[name] for name in npz.files}
    except Exception as exc:  # noqa: BLE001 - numpy raises many kinds here
        raise ValueError(
            f"{path}: arrays.npz is malformed or holds objects ({exc})."
        ) from exc
    for name, array in arrays.items():
        # an array of no bytes (strings of length 0, an axis of length 0) can
        # declare any length: copied or read, it would take memory its bytes
        # never bounded
        if array.dtype.itemsize == 0 or any(n > len(data) for n in array.shape):
            raise ValueError(
                f"{path}: arrays.npz array {name} declares shape {array.shape} of "
                f"dtype {array.dtype}, more values than its {len(data)} bytes "
                "hold; refused."
            )
    return arrays


def tensor_shapes(member, data):
    """Return ``{name: (dtype, shape)}`` of a safetensors buffer (header only).

    Raises FileError naming ``member`` where it is malformed.
    """
    if len(data) < 8:
        raise FileError(f"{member} is truncated")
    (size,) = struct.unpack("<Q", data[:8])
    malformed = f"{member} has a malformed header"
    if size > len(data) - 8:
        raise FileError(malformed)
    try:
        header = json.loads(data[8 : 8 + size])
    except (ValueError, RecursionError) as exc:
        raise FileError(malformed) from exc
    if not isinstance(header, dict):
        raise FileError(malformed)
    shapes = {}
    for name, entry in header.items():
        if name == "__metadata__":
            continue
        if not (
            isinstance(entry, dict)
            and isinstance(entry.get("dtype"), str)
            and isinstance(entry.get("shape"), list)
            and all(isinstance(d, int) for d in entry["shape"])
        ):
            raise FileError(f"{member} entry {name!r} is malformed")
        shapes[name] = (entry["dtype"], tuple(entry["shape"]))
    return shapes
