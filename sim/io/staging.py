"""Output folders replaced as a whole: a kill at any moment leaves the old run or the new one.

``staged(target, ours)`` gives a hidden staging folder next to ``target`` (the same file
system): the caller writes everything there; when the block ends normally the staging folder
takes ``target``'s place in one step and the old folder is deleted; when it ends with an
exception (Ctrl-C, a full disk) the staging folder is deleted and ``target`` is untouched.

The step is ``renameat2(RENAME_EXCHANGE)`` on Linux (both folders exist throughout, the names
swap atomically), else a rename of the old folder aside and of the new one into place; a kill
between those two renames leaves the old folder aside, and the next run into the same target
puts it back before anything else. Ctrl-C is held back during the step.

Hidden folders of runs whose process is gone (``.NAME.staging-PID-*``, ``.NAME.scratch-PID-*``)
are removed by the next run into the same target; a folder is only ever replaced when it is
one of ours as a whole (``owned``: an earlier run's, by its manifest) or every entry in it is
one ``ours`` recognises (a run's own files), so ``--out .`` or ``--out ~`` is refused instead
of wiping a folder of other files.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import os
import re
import shutil
import signal
import sys
import tempfile
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from types import FrameType

from sim.io.errors import OptionError

AT_FDCWD = -100
RENAME_EXCHANGE = 2
KINDS = ("staging", "scratch", "old")
"""The hidden siblings of a target: a run being written, a run's scratch files (the touch
log's parts), an old run set aside during the replacement."""


def hidden(target: Path, kind: str) -> str:
    """The name prefix of ``target``'s hidden siblings of ``kind`` made by this process."""
    return f".{target.name}.{kind}-{os.getpid()}-"


def _pid_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _siblings(target: Path) -> Iterator[tuple[str, int, Path]]:
    pattern = re.compile(rf"^\.{re.escape(target.name)}\.({'|'.join(KINDS)})-(\d+)-")
    parent = target.parent
    if not parent.is_dir():
        return
    for entry in parent.iterdir():
        match = pattern.match(entry.name)
        if match:
            yield match.group(1), int(match.group(2)), entry


def clean_stale(target: Path) -> list[Path]:
    """Remove the hidden siblings of ``target`` left by runs whose process is gone; an old run
    set aside and never replaced is put back first. Returns what was removed."""
    removed = []
    for kind, pid, entry in sorted(_siblings(target), key=lambda t: t[0] != "old"):
        if _pid_alive(pid):
            continue
        if kind == "old" and not target.exists():
            with contextlib.suppress(OSError):
                os.rename(entry / "run", target)
        shutil.rmtree(entry, ignore_errors=True)
        removed.append(entry)
    return removed


def foreign_entries(target: Path, ours: Callable[[str], bool]) -> list[str]:
    """The entries of folder ``target`` that are not a run's own (``ours``), sorted."""
    if not target.is_dir():
        return []
    return sorted(e.name for e in target.iterdir() if not ours(e.name))


def check_target(
    target: Path,
    ours: Callable[[str], bool],
    option: str = "out",
    owned: Callable[[Path], bool] | None = None,
) -> None:
    """``target`` may be replaced: missing, a folder that ``owned`` recognises as a whole (an
    earlier run's, by its manifest), or a folder holding only entries ``ours`` recognises.
    An ``OptionError`` naming ``option`` otherwise."""
    if target.exists() and not target.is_dir():
        raise OptionError(option, f"{target} is a file, not a folder")
    if owned is not None and target.is_dir() and owned(target):
        return
    foreign = foreign_entries(target, ours)
    if foreign:
        more = f" and {len(foreign) - 5} more" if len(foreign) > 5 else ""
        shown = ", ".join(foreign[:5]) + more
        raise OptionError(
            option,
            f"{target} holds files that are not a run's ({shown}); a run replaces its folder "
            "as a whole, so give a new or empty folder, or an earlier run's",
        )


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths atomically (Linux ``renameat2``); False where that is not available."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    done = renameat2(AT_FDCWD, os.fsencode(a), AT_FDCWD, os.fsencode(b), RENAME_EXCHANGE)
    if done == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP, errno.EOPNOTSUPP):
        return False
    raise OSError(code, os.strerror(code), str(b))


@contextlib.contextmanager
def _ctrl_c_held() -> Iterator[None]:
    """Ctrl-C during the block takes effect when it ends (main thread only)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list[int] = []

    def hold(signum: int, frame: FrameType | None) -> None:
        caught.append(signum)

    previous = signal.signal(signal.SIGINT, hold)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
    if caught:
        raise KeyboardInterrupt


def replace_folder(stage: Path, target: Path) -> None:
    """Put the complete folder ``stage`` in ``target``'s place and delete the old one."""
    with _ctrl_c_held():
        if not target.exists():
            try:
                os.rename(stage, target)
                return
            except OSError as exc:
                if exc.errno not in (errno.EEXIST, errno.ENOTEMPTY):
                    raise
        if _exchange(stage, target):
            shutil.rmtree(stage, ignore_errors=True)
            return
        aside = Path(tempfile.mkdtemp(dir=target.parent, prefix=hidden(target, "old")))
        os.rename(target, aside / "run")
        os.rename(stage, target)
        shutil.rmtree(aside, ignore_errors=True)


def prepare_target(
    target: Path,
    ours: Callable[[str], bool],
    option: str = "out",
    owned: Callable[[Path], bool] | None = None,
) -> Path:
    """Check ``target`` (``check_target``), create its parent and clean its stale siblings;
    returns the folder to replace (a symbolic link's destination)."""
    target = Path(os.path.abspath(target))
    if target.is_symlink():
        target = target.resolve()
    check_target(target, ours, option, owned)
    target.parent.mkdir(parents=True, exist_ok=True)
    clean_stale(target)
    return target


@contextlib.contextmanager
def scratch(target: Path) -> Iterator[Path]:
    """A hidden folder next to ``target`` for temporary files, removed whatever happens."""
    target = Path(os.path.abspath(target))
    target.parent.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(dir=target.parent, prefix=hidden(target, "scratch")))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@contextlib.contextmanager
def staged(
    target: Path,
    ours: Callable[[str], bool],
    option: str = "out",
    owned: Callable[[Path], bool] | None = None,
) -> Iterator[Path]:
    """A staging folder that replaces ``target`` as a whole when the block ends normally, and
    is deleted when it ends with an exception (see the module's doc)."""
    target = prepare_target(target, ours, option, owned)
    stage = Path(tempfile.mkdtemp(dir=target.parent, prefix=hidden(target, "staging")))
    try:
        yield stage
        stage.chmod(0o755)
        replace_folder(stage, target)
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        raise


__all__ = [
    "check_target",
    "clean_stale",
    "foreign_entries",
    "prepare_target",
    "replace_folder",
    "scratch",
    "staged",
]
