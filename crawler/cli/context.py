"""What every command shares: the data folder and, opened on first use, the database."""

from __future__ import annotations

from dataclasses import dataclass, field

import click

from crawler.service import Service
from storage.config import Paths, resolve

# Commands that only read (or repair) an existing archive: a data folder that does not exist
# is a typo, not a new archive, so they refuse it instead of creating an empty one.
READ_COMMANDS = frozenset(
    {"verify", "seal", "show", "runs", "coverage", "export", "cdxj", "export-wacz"}
)


class MissingDataFolder(click.ClickException):
    """A read command pointed at a data folder that does not exist (exit 2, like usage)."""

    exit_code = 2


@dataclass
class App:
    paths: Paths
    must_exist: bool = False  # set for READ_COMMANDS: never create the folder or database
    _service: Service | None = field(default=None, repr=False)

    @classmethod
    def from_option(cls, data: str | None) -> App:
        """The App for the command being invoked (read commands get `must_exist`)."""
        ctx = click.get_current_context(silent=True)
        command = ctx.invoked_subcommand if ctx is not None else None
        return cls(resolve(data), must_exist=command in READ_COMMANDS)

    def require_data(self) -> None:
        """Refuse a data folder that does not exist, before anything can create it."""
        if not self.paths.data.is_dir():
            raise MissingDataFolder(
                f"no data folder at {self.paths.data} (check --data or "
                f"GONGKAI_DATA); nothing was created"
            )

    def open(self) -> Service:
        """The service the jobs run against: opened (the database created or migrated) the
        first time a command asks, never for commands that need no database (`extract FILE`);
        a read command's missing data folder is refused first."""
        if self._service is None:
            if self.must_exist:
                self.require_data()
            self._service = Service.open(self.paths)
        return self._service
