"""Records as documents: JSONL and Parquet files whose rows hold a text field.

Curated text (a crawl, a training set, a documentation archive) comes as records,
not files. With ``--input-format jsonl`` or ``parquet`` each record is a
document: its text is the ``--text-field``, its name the ``--id-field`` (or
``FILE#LINE`` for JSONL, ``FILE#ROW`` for Parquet, rows counted from 0), and a
finding's location is ``id:line:col``. The text goes through the same decoding
as a file's bytes (``source.decode``), so a record and a file holding the same
text give the same findings: a JSON string is encoded as UTF-8 first, and a
Parquet ``binary`` column is taken as the raw bytes a file would hold.

The input is cut into ``Chunk``s (a byte range of JSONL lines, or one Parquet row
group) that a worker reads itself, so the process that plans the run never holds
the corpus. A record that cannot be read (invalid JSON, a missing or non-string
field) is a ``RecordError`` naming its file and line or row; the other records of
the chunk are read all the same. Paths may be fsspec URLs (``s3://bucket/*.parquet``)
when fsspec and its filesystem's package are installed.
"""

from __future__ import annotations

import glob
import json
import os
from dataclasses import dataclass

INPUT_FORMATS = ("files", "jsonl", "parquet")
RECORD_FORMATS = ("text", "markdown", "rst", "auto")
SUFFIXES = {"jsonl": (".jsonl", ".ndjson", ".json"), "parquet": (".parquet", ".parq")}
PARQUET_EXTRA = "parquet"
CHUNK_BYTES = 8 << 20  # JSONL bytes a worker reads and checks as one unit


class InputError(Exception):
    """The input as a whole cannot be read (no such file, pyarrow missing)."""


@dataclass(frozen=True)
class RecordSpec:
    """How records become documents."""

    input_format: str  # "jsonl" | "parquet"
    text_field: str = "text"
    id_field: str | None = None
    record_format: str = "text"  # a document format, or "auto": by the id's suffix

    def document_format(self, record_id: str) -> str:
        if self.record_format != "auto":
            return self.record_format
        from textsieve.source import format_for

        return format_for(record_id) or "text"


@dataclass(frozen=True)
class Chunk:
    """A unit of records a worker reads: JSONL bytes ``start``–``end`` (``first`` the line
    number at ``start``), or Parquet row group ``start`` (``first`` its first row)."""

    path: str  # as the user named it: records' default ids and messages use it
    start: int
    end: int
    first: int
    source: str = ""  # where a worker reads it, when not ``path`` (an absolute path)

    def anywhere(self) -> Chunk:
        """This chunk for a worker whose working directory is not this process's."""
        if is_url(self.path) or self.source:
            return self
        return Chunk(self.path, self.start, self.end, self.first, os.path.abspath(_local(self.path)))


@dataclass
class Record:
    id: str
    data: bytes
    where: str  # "FILE:LINE" or "FILE: row N", for messages


@dataclass
class RecordError:
    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}; record not checked"


def is_url(path: str) -> bool:
    return "://" in path and not path.startswith("file://")


def _local(path: str) -> str:
    return path[len("file://"):] if path.startswith("file://") else path


def open_binary(path: str):
    """A local file, or an fsspec URL."""
    if is_url(path):
        try:
            import fsspec
        except ImportError:
            raise InputError(f"{path}: reading URLs needs fsspec (pip install fsspec)") from None
        return fsspec.open(path, "rb").open()
    return open(_local(path), "rb")


def expand(paths: list[str], input_format: str) -> list[str]:
    """The record files the paths name: files as given, directories walked (sorted) for the
    format's suffixes, globs (local or fsspec URLs) expanded in sorted order."""
    suffixes = SUFFIXES[input_format]
    out: list[str] = []
    for given in paths:
        if is_url(given):
            try:
                import fsspec
            except ImportError:
                raise InputError(f"{given}: reading URLs needs fsspec (pip install fsspec)") from None
            fs, _, found = fsspec.get_fs_token_paths(given)
            if not found:
                raise InputError(f"{given}: no such file")
            protocol = given.split("://", 1)[0]
            out.extend(f"{protocol}://{p}" if "://" not in p else p for p in sorted(found))
            continue
        local = _local(given)
        if any(c in local for c in "*?["):
            matches = sorted(glob.glob(local, recursive=True))
            if not matches:
                raise InputError(f"{given}: no file matches")
            out.extend(matches)
        elif os.path.isdir(local):
            found = [os.path.join(root, name) for root, _, names in os.walk(local)
                     for name in names if name.lower().endswith(suffixes)]
            if not found:
                raise InputError(f"{given}: no {' or '.join(suffixes)} file in this directory")
            out.extend(sorted(found))
        elif os.path.isfile(local):
            out.append(local)
        else:
            raise InputError(f"{given}: no such file or directory")
    return list(dict.fromkeys(out))


def expand_urls(patterns: list[str]) -> list[str]:
    """Documents named by fsspec URLs (``s3://bucket/docs/**/*.md``, ``file:///srv/docs/*.md``),
    globs expanded in sorted order; each is read whole by the worker that checks it."""
    try:
        import fsspec
    except ImportError:
        raise InputError(f"{patterns[0]}: reading URLs needs fsspec (pip install fsspec)") from None
    out: list[str] = []
    for pattern in patterns:
        protocol = pattern.split("://", 1)[0]
        try:
            fs, _, found = fsspec.get_fs_token_paths(pattern)
        except (ImportError, ValueError) as exc:
            raise InputError(f"{pattern}: {exc}") from None
        found = [p for p in found if not fs.isdir(p)]
        if not found:
            raise InputError(f"{pattern}: no such file")
        prefix = "file://" if protocol == "file" else f"{protocol}://"
        out.extend(p if "://" in p else prefix + p for p in sorted(found))
    return list(dict.fromkeys(out))


def plan(paths: list[str], spec: RecordSpec, workers: int = 1, chunk_bytes: int | None = None) -> list[Chunk]:
    """The chunks of the record files, in input order: JSONL in pieces of ``chunk_bytes``
    (by default small enough that each of ``workers`` gets several, at most CHUNK_BYTES)."""
    chunks: list[Chunk] = []
    files = expand(paths, spec.input_format)
    if chunk_bytes is None:
        local = sum(os.path.getsize(_local(f)) for f in files if not is_url(f))
        chunk_bytes = max(256 << 10, min(CHUNK_BYTES, local // max(1, workers * 4)))
    for path in files:
        if spec.input_format == "jsonl":
            chunks.extend(_jsonl_chunks(path, chunk_bytes))
        else:
            chunks.extend(_parquet_chunks(path))
    return chunks


def _jsonl_chunks(path: str, chunk_bytes: int) -> list[Chunk]:
    """Byte ranges of about ``chunk_bytes`` cut after a newline, with the line number each
    starts at (one pass over the file counting newlines)."""
    chunks = []
    try:
        handle = open_binary(path)
    except OSError as exc:
        raise InputError(f"{path}: {exc.strerror or exc}") from None
    with handle:
        start, first = 0, 1
        while True:
            handle.seek(start)
            block = handle.read(chunk_bytes)
            if not block:
                break
            length = len(block) if len(block) < chunk_bytes else block.rfind(b"\n") + 1
            if length == 0:  # a full block and no newline: the line goes on past it
                pieces = [block]
                while True:
                    piece = handle.read(chunk_bytes)
                    newline = piece.find(b"\n")
                    pieces.append(piece if newline < 0 else piece[:newline + 1])
                    if not piece or newline >= 0:
                        break
                block = b"".join(pieces)
                length = len(block)
            chunks.append(Chunk(path, start, start + length, first))
            first += block.count(b"\n", 0, length)
            start += length
    return chunks


def _pyarrow_parquet():
    try:
        import pyarrow.parquet as pq
    except ImportError:
        raise InputError(f"--input-format parquet needs pyarrow: pip install 'textsieve[{PARQUET_EXTRA}]'") \
            from None
    return pq


def _parquet_chunks(path: str) -> list[Chunk]:
    pq = _pyarrow_parquet()
    try:
        with open_binary(path) as handle:
            meta = pq.ParquetFile(handle).metadata
    except OSError as exc:
        raise InputError(f"{path}: {getattr(exc, 'strerror', None) or exc}") from None
    except Exception as exc:  # pyarrow's ArrowInvalid: not a Parquet file
        raise InputError(f"{path}: not a Parquet file ({exc})") from None
    chunks, row = [], 0
    for group in range(meta.num_row_groups):
        chunks.append(Chunk(path, group, group + 1, row))
        row += meta.row_group(group).num_rows
    return chunks


def read_chunk(chunk: Chunk, spec: RecordSpec) -> tuple[list[Record], list[RecordError]]:
    """The chunk's records, and what could not be read of it."""
    if spec.input_format == "jsonl":
        return _read_jsonl(chunk, spec)
    return _read_parquet(chunk, spec)


def _kind(value) -> str:
    if value is None:
        return "null"
    return {bool: "a boolean", int: "a number", float: "a number", list: "an array",
            dict: "an object"}.get(type(value), type(value).__name__)


def _record(spec: RecordSpec, fields, where: str, default_id: str,
            errors: list[RecordError]) -> Record | None:
    """A record from a row's fields (a dict), or None with the reason in ``errors``."""
    if spec.text_field not in fields:
        errors.append(RecordError(where, f"no field '{spec.text_field}'"))
        return None
    text = fields[spec.text_field]
    if isinstance(text, str):
        data = text.encode("utf-8", "surrogatepass")
    elif isinstance(text, bytes):  # a Parquet binary column: the bytes as a file holds them
        data = text
    else:
        errors.append(RecordError(where, f"field '{spec.text_field}' is {_kind(text)}, not a string"))
        return None
    record_id = default_id
    if spec.id_field is not None:
        if spec.id_field not in fields:
            errors.append(RecordError(where, f"no field '{spec.id_field}' (the --id-field)"))
            return None
        value = fields[spec.id_field]
        if isinstance(value, bytes):
            value = value.decode("utf-8", "replace")
        if isinstance(value, bool) or not isinstance(value, (str, int)) or value == "":
            errors.append(RecordError(where, f"field '{spec.id_field}' is {_kind(value) if value != '' else 'empty'}"
                                             ", not a string or an integer"))
            return None
        record_id = str(value)
    return Record(record_id, data, where)


def _read_jsonl(chunk: Chunk, spec: RecordSpec) -> tuple[list[Record], list[RecordError]]:
    with open_binary(chunk.source or chunk.path) as handle:
        handle.seek(chunk.start)
        data = handle.read(chunk.end - chunk.start)
    records, errors = [], []
    for number, line in enumerate(data.split(b"\n"), chunk.first):
        if not line.strip():
            continue
        where = f"{chunk.path}:{number}"
        try:
            fields = json.loads(line)
        except UnicodeDecodeError as exc:
            errors.append(RecordError(where, f"not UTF-8 (byte 0x{line[exc.start]:02x} at column {exc.start + 1})"))
            continue
        except ValueError as exc:
            errors.append(RecordError(where, f"invalid JSON ({exc})"))
            continue
        if not isinstance(fields, dict):
            errors.append(RecordError(where, f"{_kind(fields)}, not a JSON object"))
            continue
        record = _record(spec, fields, where, f"{chunk.path}#{number}", errors)
        if record is not None:
            records.append(record)
    return records, errors


def _read_parquet(chunk: Chunk, spec: RecordSpec) -> tuple[list[Record], list[RecordError]]:
    pq = _pyarrow_parquet()
    with open_binary(chunk.source or chunk.path) as handle:
        parquet = pq.ParquetFile(handle)
        names = set(parquet.schema_arrow.names)
        columns = [c for c in dict.fromkeys([spec.text_field, spec.id_field]) if c is not None and c in names]
        table = parquet.read_row_group(chunk.start, columns=columns)
    values = {name: table.column(name).to_pylist() for name in columns}
    records, errors = [], []
    for i in range(table.num_rows):
        row = chunk.first + i
        where = f"{chunk.path}: row {row}"
        fields = {name: column[i] for name, column in values.items()}
        record = _record(spec, fields, where, f"{chunk.path}#{row}", errors)
        if record is not None:
            records.append(record)
    return records, errors


def records_of(paths: list[str], spec: RecordSpec):
    """Every record of the input, in order (for a report that shows the texts)."""
    for chunk in plan(paths, spec):
        yield from read_chunk(chunk, spec)[0]
