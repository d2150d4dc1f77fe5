"""Reading a user's YAML file defensively: whatever the bytes, a clean error in a second.

- only a regular file is opened for reading (a directory, a named pipe or a device such as
  ``/dev/zero`` is refused before a byte is read), and at most ``MAX_BYTES`` of it;
- the bytes must be UTF-8 text (a byte-order mark of UTF-8 is allowed): anything else is
  reported with the offset, line and column of the first bad byte, and control characters
  YAML does not allow with their line and column;
- before anything is built, the document's events are checked: at most ``MAX_DEPTH`` levels
  of nesting and at most ``MAX_NODES`` values once aliases are expanded (the "billion laughs"
  of nine anchors, each a list of nine of the one before, stops at the first anchor over the
  budget), and no alias to a collection that contains it;
- the loader is ``yaml.SafeLoader`` (libyaml's when installed) that also rejects a key given
  twice in one mapping and reports a number too long to convert, with line and column.

Every refusal is a ``ScenarioError`` of one problem naming the file.
"""

from __future__ import annotations

import codecs
import os
import re
import stat
from pathlib import Path
from typing import Any

import yaml
from yaml.constructor import ConstructorError
from yaml.events import (
    AliasEvent,
    CollectionEndEvent,
    CollectionStartEvent,
    ScalarEvent,
)
from yaml.nodes import MappingNode, ScalarNode

from sim.io.errors import Problem, ScenarioError

MAX_BYTES = 1_000_000
"""The largest file read: a hundred times the largest scenario shipped (about 10 kB)."""
MAX_DEPTH = 32
"""Levels of nesting allowed (a scenario's custom strategy needs 7)."""
MAX_NODES = 100_000
"""Values (scalars and collections) allowed once aliases are expanded (a scenario has about
500, a sweep a few dozen)."""

_BASE: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_MERGE = "tag:yaml.org,2002:merge"
_NOT_YAML = re.compile("[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
"""A character YAML does not allow in a document (control characters, surrogates)."""
_SIGNATURES = {
    b"\x1f\x8b": "gzip-compressed data",
    b"PK\x03\x04": "a zip archive",
    b"BZh": "bzip2-compressed data",
    b"\xfd7zXZ": "xz-compressed data",
    b"%PDF": "a PDF document",
    b"\x89PNG": "a PNG image",
    codecs.BOM_UTF32_LE: "UTF-32 text",
    codecs.BOM_UTF32_BE: "UTF-32 text",
    codecs.BOM_UTF16_LE: "UTF-16 text",
    codecs.BOM_UTF16_BE: "UTF-16 text",
}


class _Refused(Exception):
    def __init__(self, message: str, mark: Any = None) -> None:
        super().__init__(message)
        self.message = message
        self.mark = mark


def _refuse(source: str, message: str) -> ScenarioError:
    return ScenarioError(source, [Problem("", None, message)])


def _where(line: int, column: int) -> str:
    return f"line {line}, column {column}: "


def _file_kind(mode: int) -> str:
    for test, name in (
        (stat.S_ISDIR, "a directory"),
        (stat.S_ISFIFO, "a named pipe"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISSOCK, "a socket"),
    ):
        if test(mode):
            return name
    return "not a regular file"


def read_bytes(path: Path, source: str | None = None) -> bytes:
    """The bytes of a regular file of at most ``MAX_BYTES``; anything else a ``ScenarioError``.

    The file is opened without blocking (a named pipe with no writer does not hang) and
    checked with ``fstat`` on the open descriptor, so what is checked is what is read."""
    source = str(path) if source is None else source
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        raise _refuse(source, f"cannot read: {exc.strerror or exc}") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            kind = _file_kind(info.st_mode)
            raise _refuse(source, f"cannot read: {kind}, not a regular file")
        if info.st_size > MAX_BYTES:
            raise _refuse(
                source,
                f"{info.st_size:,} bytes; a scenario or sweep file may have at most "
                f"{MAX_BYTES:,} bytes",
            )
        chunks, size = [], 0
        while size <= MAX_BYTES:  # a file that grows while it is read stops here too
            chunk = os.read(fd, MAX_BYTES + 1 - size)
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    except OSError as exc:
        raise _refuse(source, f"cannot read: {exc.strerror or exc}") from None
    finally:
        os.close(fd)
    data = b"".join(chunks)
    if len(data) > MAX_BYTES:
        raise _refuse(source, f"more than {MAX_BYTES:,} bytes; a file may have at most that")
    return data


def decode(data: bytes, source: str) -> str:
    """UTF-8 text (a leading byte-order mark dropped); other encodings, compressed and binary
    files are refused with the position of the first byte that is not UTF-8."""
    for signature, what in _SIGNATURES.items():
        if data.startswith(signature):
            raise _refuse(source, f"this is {what}, not UTF-8 text; save the file as UTF-8 YAML")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        offset = exc.start + (3 if data.startswith(codecs.BOM_UTF8) else 0)
        line = data.count(b"\n", 0, offset) + 1
        column = offset - (data.rfind(b"\n", 0, offset) + 1) + 1
        raise _refuse(
            source,
            _where(line, column) + f"byte 0x{data[offset]:02x} (offset {offset:,}) is not "
            "UTF-8; save the file as UTF-8",
        ) from None
    bad = _NOT_YAML.search(text)
    if bad:
        at = bad.start()
        line = text.count("\n", 0, at) + 1
        column = at - (text.rfind("\n", 0, at) + 1) + 1
        raise _refuse(
            source,
            _where(line, column) + f"the control character U+{ord(bad.group()):04X} is not "
            "allowed in a YAML file",
        )
    return text


def check_events(text: str) -> None:
    """Nesting depth and the size of the document once aliases are expanded, from the parser's
    events (nothing is built yet); raises ``_Refused`` at the first event over a limit."""
    depth, total = 0, 0
    sizes: list[int] = []  # values so far in each open collection, itself included
    open_anchors: list[str | None] = []
    anchors: dict[str, int] = {}
    for event in yaml.parse(text, Loader=_BASE):
        if isinstance(event, CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                raise _Refused(f"nested more than {MAX_DEPTH} levels deep", event.start_mark)
            total += 1
            sizes.append(1)
            open_anchors.append(event.anchor)
        elif isinstance(event, CollectionEndEvent):
            depth -= 1
            size = sizes.pop()
            anchor = open_anchors.pop()
            if anchor is not None:
                anchors[anchor] = size
            if sizes:
                sizes[-1] += size
        elif isinstance(event, ScalarEvent | AliasEvent):
            if isinstance(event, AliasEvent):
                if event.anchor in open_anchors:
                    raise _Refused(
                        f"the alias *{event.anchor} refers to a collection that contains it",
                        event.start_mark,
                    )
                n = anchors.get(event.anchor or "", 1)  # an unknown one: the loader says so
            else:
                n = 1
                if event.anchor is not None:
                    anchors[event.anchor] = 1
            total += n
            if sizes:
                sizes[-1] += n
        if total > MAX_NODES:
            raise _Refused(
                f"more than {MAX_NODES:,} values once aliases are expanded; a scenario has "
                "about 500",
                event.start_mark,
            )


class _Loader(_BASE):  # type: ignore[valid-type,misc]
    """The safe loader, refusing a key given twice in one mapping and numbers that cannot be
    converted (a whole number of thousands of digits), with their line and column."""

    def construct_mapping(self, node: MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            if key_node.tag == _MERGE or not isinstance(key_node, ScalarNode):
                continue
            key = self.construct_object(key_node, deep=deep)
            try:
                duplicate = key in seen
                seen.add(key)
            except TypeError:
                continue
            if duplicate:
                raise ConstructorError(
                    None, None, f"the key {key!r} is given twice in this mapping",
                    key_node.start_mark,
                )  # fmt: skip
        result: dict[Any, Any] = super().construct_mapping(node, deep=deep)
        return result

    def construct_yaml_int(self, node: ScalarNode) -> int:
        try:
            value: int = super().construct_yaml_int(node)
        except ValueError:
            raise ConstructorError(
                None, None, "a whole number too long to read", node.start_mark
            ) from None
        return value


_Loader.add_constructor("tag:yaml.org,2002:int", _Loader.construct_yaml_int)


assert issubclass(_Loader, yaml.constructor.SafeConstructor)  # never python/object tags


def _load_safely(text: str) -> Any:
    """The one document of ``text`` through ``_Loader``, whose constructor is PyYAML's safe one
    (what ``yaml.safe_load`` does, with this module's extra checks)."""
    loader = _Loader(text)
    try:
        return loader.get_single_data()
    finally:
        loader.dispose()


def parse(text: str, source: str) -> Any:
    """The one YAML document in ``text``, checked (``check_events``) and loaded safely."""
    try:
        check_events(text)
        return _load_safely(text)
    except _Refused as exc:
        where = _where(exc.mark.line + 1, exc.mark.column + 1) if exc.mark else ""
        raise _refuse(source, where + exc.message) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = _where(mark.line + 1, mark.column + 1) if mark else ""
        detail = exc.problem or str(exc)
        what = "" if isinstance(exc, ConstructorError) else "malformed YAML: "
        raise _refuse(source, f"{where}{what}{detail}") from None
    except yaml.YAMLError as exc:
        raise _refuse(source, f"malformed YAML: {exc}") from None


def read_yaml_file(path: Path, source: str | None = None) -> Any:
    """Read, decode and parse a user's YAML file; every problem a one-line ``ScenarioError``."""
    source = str(path) if source is None else source
    return parse(decode(read_bytes(path, source), source), source)


__all__ = ["MAX_BYTES", "MAX_DEPTH", "MAX_NODES", "decode", "parse", "read_bytes", "read_yaml_file"]
