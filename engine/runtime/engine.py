"""The engine: services over one command path.

Every change to a dossier goes through :meth:`Engine.execute`: load the
dossier, check the actor may do it, apply the command, and in one transaction
write the new state, the task projections and exactly one history event. The
dossier row's version column makes a concurrent second writer fail with
:class:`VersionConflict` instead of overwriting.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar
from zoneinfo import ZoneInfo

from argon2 import PasswordHasher
from sqlalchemy import bindparam, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, defer
from sqlalchemy.orm.exc import StaleDataError

from engine.clock import Clock, SystemClock
from engine.config import NotificationsConfig
from engine.definitions.organisation import Organisation
from engine.digitisation.reception import require_scans_before_handover
from engine.files import FileStore
from engine.notify.outbox import OutboxWriter
from engine.store.db import Database
from engine.store.models import DossierRow

from .commands import Actor, Command
from .deadlines import DeadlinePolicy
from .dossier import ApplyContext, BusinessCalendar, Dossier
from .errors import DossierNotFound, VersionConflict
from .persistence import (
    BY_CODE,
    ChainHead,
    DefinitionCache,
    Effects,
    OpenWork,
    dossier_from_rows,
    lock_dossier,
    open_work,
    record_event,
    save_dossier,
)
from .spiff import ProcessSpecs, WorkflowCodec

if TYPE_CHECKING:
    from engine.digitisation.settings import DigitisationSettings

__all__ = ["Engine"]

T = TypeVar("T")
Check = Callable[[Dossier, ApplyContext], bool]
READ_DOSSIER = select(DossierRow).where(DossierRow.code == bindparam("code"))
LOCK_DOSSIER = READ_DOSSIER.with_for_update()
READ_DOSSIER_PAGE = READ_DOSSIER.options(defer(DossierRow.state))  # no serialized workflow


class Engine:
    """motcua's public face: repository, runtime, tasks, history (Camunda's service split)."""

    def __init__(
        self,
        database: Database,
        calendar: BusinessCalendar,
        organisation: Organisation,
        clock: Clock | None = None,
        policy: DeadlinePolicy | None = None,
        notifications: NotificationsConfig | None = None,
        tz: ZoneInfo | None = None,
        password_hasher: PasswordHasher | None = None,
        files: FileStore | None = None,
        digitisation: DigitisationSettings | None = None,
    ):
        self.database = database
        self.calendar = calendar
        self.organisation = organisation
        self.clock: Clock = clock or SystemClock()
        self.policy = policy or DeadlinePolicy()
        self.tz = tz or getattr(calendar, "tz", None) or ZoneInfo("Asia/Ho_Chi_Minh")
        self.outbox = OutboxWriter(organisation, notifications or NotificationsConfig(), self.tz)
        self.files = files or FileStore(Path("var/uploads"), 25 * 1024 * 1024)
        self.codec = WorkflowCodec()
        self.definitions = DefinitionCache(organisation)

        from engine.audit.history import HistoryService
        from engine.digitisation.datastore import DataStoreService
        from engine.digitisation.payments import PaymentService
        from engine.digitisation.portal import PortalService
        from engine.digitisation.service import DigitisationService
        from engine.digitisation.settings import DigitisationSettings
        from engine.digitisation.sync import PortalSync

        from .dossiers import RuntimeService
        from .repository import RepositoryService
        from .tasks import TaskService
        from .tokens import TokenService
        from .users import UserService

        self.repository = RepositoryService(self)
        self.runtime = RuntimeService(self)
        self.tasks = TaskService(self)
        self.history = HistoryService(self)
        self.users = UserService(self, password_hasher)
        self.tokens = TokenService(self)
        settings = digitisation or DigitisationSettings()
        self.paper_types = settings.paper_types
        self.datastore = DataStoreService(self)  # the applicants' data store (Kho)
        self.digitisation = DigitisationService(self)  # scans and results of dossiers
        self.payments = PaymentService(
            self, settings.gateway, settings.payment_notify_url, settings.payment_return_url
        )
        self.portal = PortalService(self, PortalSync(organisation, settings.file_link))

    # --- the command path -------------------------------------------------------------------

    def execute(self, dossier_code: str, command: Command, actor: Actor) -> Dossier:
        """Apply one command to one dossier, atomically; returns the dossier after it."""
        return self.in_transaction(
            lambda session: self._execute(session, dossier_code, command, actor)
        )

    def in_transaction(self, work: Callable[[Session], T]) -> T:
        """Run ``work`` in one write transaction; a concurrent writer becomes a VersionConflict."""
        try:
            with self.database.write() as session:
                return work(session)
        except StaleDataError as error:
            raise VersionConflict(
                "Hồ sơ vừa được người khác cập nhật; vui lòng tải lại và thử lại."
            ) from error
        except IntegrityError as error:
            if "events" in str(error.orig) or "tasks" in str(error.orig):
                raise VersionConflict(
                    "Hồ sơ vừa được người khác cập nhật; vui lòng tải lại và thử lại."
                ) from error
            raise

    def _execute(self, session: Session, code: str, command: Command, actor: Actor) -> Dossier:
        locked = lock_dossier(session, BY_CODE, {"code": code})
        if locked is None:
            raise DossierNotFound.of(code)
        return self.apply_to_row(session, locked.row, command, actor, work=locked.work)

    def apply_to_row(
        self,
        session: Session,
        row: DossierRow,
        command: Command,
        actor: Actor,
        check: Check | None = None,
        work: OpenWork | None = None,
    ) -> Dossier:
        """Load, authorize, apply, persist; ``check`` may decline (then nothing is written).
        ``work``: the row's open tasks and timers when read with its lock."""
        dossier, _ = self.apply_in_turn(session, row, [(command, check)], actor, work)
        return dossier

    def apply_in_turn(
        self,
        session: Session,
        row: DossierRow,
        steps: list[tuple[Command, Check | None]],
        actor: Actor,
        work: OpenWork | None = None,
    ) -> tuple[Dossier, list[bool]]:
        """Several commands on one loaded dossier, one event each, one write at the end.

        Each step's ``check`` sees the dossier as the previous steps left it and may
        decline its command. Returns the dossier and which commands were applied.
        """
        loaded = self.definitions.get(session, row.definition_id)
        if work is None:
            work = open_work(session, row.id)
        dossier = dossier_from_rows(row, work.tasks, loaded, self.codec)
        head = ChainHead.of(row)  # the row object is written once, by save_dossier
        events: list[dict[str, Any]] = []
        applied = []
        ctx = None
        for command, check in steps:
            command.authorize(dossier, actor, self.organisation)
            require_scans_before_handover(session, row.id, dossier, command)
            ctx = self.apply_context(self.clock.now(), head.seq + 1, loaded.specs)
            if check is not None and not check(dossier, ctx):
                applied.append(False)
                continue
            command.apply(dossier, ctx)
            payload = command.payload()
            record_event(events, row, head, dossier, command.name, payload, actor, ctx.now)
            applied.append(True)
        if ctx is not None and any(applied):
            effects = Effects(ctx, self.outbox, self.portal.writer)
            save_dossier(session, row, dossier, work, events, head, effects)
        return dossier, applied

    def apply_context(self, now: datetime, seq: int, specs: ProcessSpecs | None) -> ApplyContext:
        return ApplyContext(now, seq, self.calendar, specs, self.codec, self.policy)

    def dossier_row(
        self, session: Session, code: str, lock: bool = False, workflow: bool = True
    ) -> DossierRow:
        """The dossier's row; with ``lock`` it is held to the end of the transaction
        (PostgreSQL), so commands on one dossier queue up instead of failing each other.
        Without ``workflow`` (a page showing the dossier) its serialized Spiff state stays
        in the database."""
        page = READ_DOSSIER if workflow else READ_DOSSIER_PAGE
        row = session.scalar(LOCK_DOSSIER if lock else page, {"code": code})
        if row is None:
            raise DossierNotFound.of(code)
        return row
