"""Where a client's files live, and its canonical tables, cached as Parquet.

Paths come from here and nowhere else. The cache of a client's tables is keyed by
a hash of every export's path and content (plus the client's time zone and the
ingest code version), so changing, adding or removing an export refreshes it.
Raw exports are only ever read.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import time
from functools import cached_property
from pathlib import Path

import pandas as pd

from smm_nb.errors import ClientNotFound, ConfigError
from smm_nb.model.config import ClientConfig, load_config
from smm_nb.model.schemas import TABLES

#: Bump when ingest changes what it produces, so old caches are not trusted.
CACHE_VERSION = "1"


def project_root() -> Path:
    """The project folder: ``$SMM_NB_HOME``, else the nearest parent of the current
    folder holding ``data/clients``, else the folder above this package."""
    env = os.environ.get("SMM_NB_HOME")
    if env:
        return Path(env).resolve()
    here = Path.cwd().resolve()
    for p in (here, *here.parents):
        if (p / "data" / "clients").is_dir():
            return p
    return Path(__file__).resolve().parents[2]


def default_data_dir() -> Path:
    return project_root() / "data"


def file_digest(path: Path, chunk: int = 1 << 20) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        while block := fh.read(chunk):
            h.update(block)
    return h.hexdigest()


def list_clients(data_dir: Path | None = None) -> list[str]:
    clients = (Path(data_dir) if data_dir else default_data_dir()) / "clients"
    if not clients.is_dir():
        return []
    return sorted(p.name for p in clients.iterdir() if (p / "client.yaml").is_file())


class Workspace:
    """One client's config, exports and canonical tables.

    >>> ws = Workspace("kahve-kosesi")          # doctest: +SKIP
    >>> ws.posts.groupby("platform").size()     # doctest: +SKIP
    """

    def __init__(self, slug: str, data_dir: str | Path | None = None):
        self.slug = slug
        self.data_dir = Path(data_dir).resolve() if data_dir else default_data_dir()
        self.client_dir = self.data_dir / "clients" / slug
        if not (self.client_dir / "client.yaml").is_file():
            raise ClientNotFound(slug, self.data_dir / "clients", list_clients(self.data_dir))
        self.config_path = self.client_dir / "client.yaml"
        self.exports_dir = self.client_dir / "exports"
        self.cache_root = self.data_dir / "cache" / slug
        self._tables: dict[str, pd.DataFrame] | None = None
        self._ingest = None

    def __repr__(self) -> str:
        return f"Workspace({self.slug!r}, data_dir={str(self.data_dir)!r})"

    @cached_property
    def config(self) -> ClientConfig:
        return load_config(self.config_path)

    @property
    def reference_dir(self) -> Path:
        return self.data_dir / "reference"

    def export_paths(self) -> list[Path]:
        from smm_nb.ingest import export_files

        if not self.exports_dir.is_dir():
            raise ConfigError(self.exports_dir, None,
                              "exports folder is missing: create it and put the client's "
                              "platform exports in it")
        return export_files(self.exports_dir)

    def export_digests(self) -> dict[str, str]:
        """SHA-256 of every export's content, by path relative to ``exports/``.

        Each digest is remembered in ``cache/<slug>/digests.json`` with the file's size,
        modification time (ns) and inode, and reused while those are unchanged (as git
        and make trust a file's stat): the runner and every kernel of a run need the
        digests, and a large client's exports would otherwise be read once per process.
        """
        memo_path = self.cache_root / "digests.json"
        try:
            memo = json.loads(memo_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            memo = {}
        out, fresh, changed = {}, {}, False
        for p in self.export_paths():
            rel = p.relative_to(self.exports_dir).as_posix()
            st = p.stat()
            stamp = [st.st_size, st.st_mtime_ns, st.st_ino]
            known = memo.get(rel)
            if isinstance(known, dict) and known.get("stat") == stamp and known.get("sha256"):
                digest = known["sha256"]
            else:
                digest, changed = file_digest(p), True
            out[rel] = digest
            fresh[rel] = {"stat": stamp, "sha256": digest}
        if changed or set(memo) != set(fresh):
            try:  # atomically, as kernels of the same client may do this at once
                self.cache_root.mkdir(parents=True, exist_ok=True)
                fd, tmp = tempfile.mkstemp(dir=self.cache_root, prefix=".digests-")
                with os.fdopen(fd, "w", encoding="utf-8") as fh:
                    json.dump(fresh, fh)
                os.replace(tmp, memo_path)
            except OSError:
                pass  # read-only data folder: digests are computed each time
        return out

    def inputs_digest(self) -> str:
        """Hash of every export (path and content) and of what shapes the tables."""
        h = hashlib.sha256()
        h.update(f"v{CACHE_VERSION}|tz={self.config.timezone}|cur={self.config.currency}".encode())
        for rel, digest in self.export_digests().items():
            h.update(rel.encode())
            h.update(digest.encode())
        return h.hexdigest()[:20]

    def ingest(self, collect_errors: bool = False):
        """Read every export afresh (no cache) and return the full
        :class:`~smm_nb.ingest.IngestResult` with per-file accounting."""
        from smm_nb.ingest import IngestContext, ingest_files

        ctx = IngestContext(self.config.timezone, self.config.currency)
        return ingest_files(self.export_paths(), ctx, root=self.exports_dir,
                            collect_errors=collect_errors)

    def store(self, result) -> None:
        """Cache a clean ingest of the current exports (``smm-nb validate`` has just read
        them all), so that the notebooks and the next run do not read them again."""
        if result.ok:
            self._write_cache(self.cache_root / self.inputs_digest(), result)

    def _load(self) -> dict[str, pd.DataFrame]:
        digest = self.inputs_digest()
        cache = self.cache_root / digest
        if (cache / "complete").is_file():
            try:
                return {name: pd.read_parquet(cache / f"{name}.parquet") for name in TABLES}
            except Exception:  # noqa: BLE001 - a damaged cache is rebuilt, never trusted
                shutil.rmtree(cache, ignore_errors=True)
        result = self.ingest()
        self._ingest = result
        self._write_cache(cache, result)
        return result.tables

    def _write_cache(self, cache: Path, result) -> None:
        """Write the tables to ``cache`` atomically (a temporary folder renamed into place).

        Several processes may build the same client's cache at once (notebooks opened
        side by side, kernels started without the batch runner): the first rename wins,
        the others drop their copy; another process's temporary folder is left alone
        unless it is an hour old (a killed writer)."""
        try:
            self.cache_root.mkdir(parents=True, exist_ok=True)
            if (cache / "complete").is_file():
                return  # another process finished it meanwhile
            tmp = Path(tempfile.mkdtemp(dir=self.cache_root, prefix=".tmp-"))
            for name, df in result.tables.items():
                df.to_parquet(tmp / f"{name}.parquet", index=False)
            (tmp / "warnings.json").write_text(json.dumps(result.warnings))
            (tmp / "complete").write_text("ok")
            if cache.is_dir() and not (cache / "complete").is_file():
                shutil.rmtree(cache, ignore_errors=True)  # damaged: never renamed complete
            try:
                tmp.rename(cache)
            except OSError:  # another process renamed its copy first
                shutil.rmtree(tmp, ignore_errors=True)
                return
            self._prune_cache(keep=cache)
        except OSError:
            pass  # a read-only data folder still works, just without a cache

    def _prune_cache(self, keep: Path, tmp_max_age: float = 3600.0) -> None:
        """Remove caches of earlier inputs and abandoned temporary folders."""
        now = time.time()
        for old in self.cache_root.iterdir():
            if old == keep or not old.is_dir():
                continue
            try:
                if old.name.startswith(".tmp-") and now - old.stat().st_mtime < tmp_max_age:
                    continue  # being written by another process
            except OSError:
                continue
            shutil.rmtree(old, ignore_errors=True)

    def tables(self) -> dict[str, pd.DataFrame]:
        if self._tables is None:
            self._tables = self._load()
        return self._tables

    def release(self) -> None:
        """Forget the tables held in memory (the Parquet cache on disk stays): the batch
        runner loads every client once to validate it and build the cache, then hands
        the work to kernels that read the cache; a million posts held on in the runner
        would cost ~1 GB for nothing. The next access loads them again."""
        self._tables = None
        self._ingest = None

    def table(self, name: str) -> pd.DataFrame:
        if name not in TABLES:
            raise KeyError(f"{name!r} is not a canonical table ({', '.join(TABLES)})")
        return self.tables()[name]

    posts = property(lambda self: self.table("posts"))
    account_daily = property(lambda self: self.table("account_daily"))
    audience = property(lambda self: self.table("audience"))
    activity = property(lambda self: self.table("activity"))
    competitors = property(lambda self: self.table("competitors"))
    spend = property(lambda self: self.table("spend"))
    conversions = property(lambda self: self.table("conversions"))
    messages = property(lambda self: self.table("messages"))
    mentions = property(lambda self: self.table("mentions"))


def load_client(slug: str, data_dir: str | Path | None = None) -> Workspace:
    """Open a client's workspace and validate its ``client.yaml`` straight away."""
    ws = Workspace(slug, data_dir)
    ws.config  # noqa: B018 - fail early with the config's one-line error
    return ws
