"""The zip archive of a skseq file: members, manifest, checksums, limits.

Nothing is read whole before its size is known: the sizes in the zip's
directory are checked first (zipfile then reads no more than they say), so a
small file that inflates to gigabytes is refused at once.

From format 5 the manifest's checksums list the members: ``config.json``,
``arrays.npz`` and a ``weights*.safetensors`` per network (an estimator's
config names its own; a detector holds several). Formats 1 to 4 hold one
network, in ``weights.safetensors``; their other members are not read.
"""

import hashlib
import json
import re
import struct
import zipfile

from .._versions import versions

__all__ = [
    "FORMAT_VERSION",
    "MEMBERS",
    "FileError",
    "read_archive",
    "tensor_shapes",
    "write_archive",
]

FORMAT = "skseq"
FORMAT_VERSION = 5
# the members of formats 1 to 4 (from 5, those the manifest lists)
MEMBERS = ("config.json", "arrays.npz", "weights.safetensors")
_REQUIRED = ("config.json", "arrays.npz")
_NAME = re.compile(r"config\.json|arrays\.npz|weights(-[1-9][0-9]{0,3})?\.safetensors")
# a member may inflate to at most this many times its compressed size (zip
# bombs inflate 1,000-fold; numbers and weights compress less than 10-fold)
_MAX_RATIO = 100
# ... or to this size, whatever its compressed size
_SMALL = 1 << 20
_MAX_MANIFEST = 1 << 20


class FileError(ValueError):
    """A malformed field of a skseq file (the caller adds the file's name)."""


def _sha256(data):
    return hashlib.sha256(data).hexdigest()


def write_archive(path, members):
    """Write ``members`` (name -> bytes) with a manifest of versions and checksums."""
    manifest = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "versions": versions(),
        "sha256": {name: _sha256(data) for name, data in members.items()},
    }
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("manifest.json", json.dumps(manifest, indent=2))
        for name, data in members.items():
            archive.writestr(name, data)


def _check_names(path, infos):
    names = [info.filename for info in infos]
    duplicated = {name for name in names if names.count(name) > 1}
    if duplicated:
        raise ValueError(f"{path}: members {sorted(duplicated)} appear twice.")
    if "manifest.json" not in names:
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
    return wanted


def _check_sizes(path, infos, wanted):
    for info in infos:
        if info.filename not in ("manifest.json", *wanted):
            continue
        limit = max(_SMALL, _MAX_RATIO * info.compress_size)
        if info.filename == "manifest.json":
            limit = _MAX_MANIFEST
        if info.file_size > limit:
            raise ValueError(
                f"{path}: member {info.filename} declares {info.file_size} bytes from "
                f"{info.compress_size} compressed, more than skseq files hold; "
                "refused."
            )


def _manifest(path, data):
    try:
        manifest = json.loads(data)
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
    listed = MEMBERS if version < 5 else _REQUIRED
    if (
        not isinstance(checksums, dict)
        or not all(isinstance(checksums.get(name), str) for name in listed)
        or not all(isinstance(value, str) for value in checksums.values())
    ):
        raise ValueError(f"{path}: manifest.json field sha256 is malformed.")
    if not isinstance(manifest.get("versions", {}), dict):
        raise ValueError(f"{path}: manifest.json field versions is malformed.")
    return manifest


def read_archive(path):
    """Return the members (name -> bytes) and the manifest of a skseq file.

    Raises ValueError naming the file for anything that is not an intact
    skseq file: not a zip, missing or oversized members, a malformed
    manifest, a newer format, a checksum that does not match;
    FileNotFoundError where there is no file.
    """
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
            _check_names(path, infos)
            _check_sizes(path, infos, ())  # the manifest's
            manifest = _manifest(path, archive.read("manifest.json"))
            wanted = _member_names(path, manifest, infos)
            _check_sizes(path, infos, wanted)
            members = {name: archive.read(name) for name in wanted}
    except FileNotFoundError:
        raise  # no file is not a damaged one
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError) as exc:
        raise ValueError(
            f"{path} is not a readable skseq file (or it is damaged): {exc}"
        ) from exc
    except NotImplementedError as exc:  # compression methods zipfile lacks
        raise ValueError(f"{path}: {exc}") from exc
    for name, data in members.items():
        if _sha256(data) != manifest["sha256"][name]:
            raise ValueError(
                f"{path} is corrupted: the checksum of {name} does not match; "
                "the file was damaged or altered after it was saved."
            )
    return members, manifest


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
