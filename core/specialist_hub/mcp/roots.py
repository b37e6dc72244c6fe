"""Which files a client may have the models read: only those under the server's roots.

The server's roots (``--root``, default the working directory) bound every read. A client that
declares MCP roots narrows them further (a path must then lie under one of its roots too); it can
never widen them. The server's own output folder is always readable, so a tool can take a file
that another tool wrote. Paths are resolved (``..`` and symbolic links) before the check.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from pathlib import Path
from urllib.parse import unquote, urlparse
from urllib.request import url2pathname

from ..errors import UsageError


class OutsideRoots(UsageError):
    """A media path that is not under the allowed roots: the whole call is refused."""


def _real(path: str | os.PathLike) -> Path:
    return Path(os.path.realpath(Path(path).expanduser()))


def _under(path: Path, root: Path) -> bool:
    return path == root or root in path.parents


def paths_of_uris(uris: Iterable[str]) -> list[Path]:
    """The local folders of ``file://`` root URIs; other schemes name no local folder and are skipped."""
    folders = []
    for uri in uris:
        parsed = urlparse(uri)
        if parsed.scheme == "file" and parsed.netloc in ("", "localhost"):
            folders.append(_real(url2pathname(unquote(parsed.path))))
    return folders


class FileRoots:
    """The server's roots and own output folder; :meth:`resolve` checks one path against them."""

    def __init__(self, roots: Sequence[str | os.PathLike], own: Sequence[str | os.PathLike] = ()):
        if not roots:
            raise UsageError("hub mcp needs at least one --root folder.")
        self.roots = [_real(root) for root in roots]
        missing = [str(root) for root in self.roots if not root.is_dir()]
        if missing:
            raise UsageError(f"--root must name existing folders; not found: {', '.join(missing)}.")
        self.own = [_real(folder) for folder in own]

    def resolve(self, value: str, client_roots: Sequence[Path] | None = None) -> str:
        """The real path of ``value`` (relative paths start at the first root), or OutsideRoots."""
        path = Path(value).expanduser()
        real = _real(path if path.is_absolute() else self.roots[0] / path)
        if any(_under(real, folder) for folder in self.own):
            return str(real)
        inside = any(_under(real, root) for root in self.roots)
        if inside and (not client_roots or any(_under(real, root) for root in client_roots)):
            return str(real)
        if inside:
            declared = ", ".join(map(str, client_roots or ()))
            raise OutsideRoots(f"{value!r} is outside the roots this client declared ({declared}); give a file under "
                               f"one of them.")
        allowed = ", ".join(map(str, self.roots))
        raise OutsideRoots(f"{value!r} is outside the folders this server may read ({allowed}). Give a file under "
                           f"one of them, or start hub mcp with --root FOLDER for its folder.")
