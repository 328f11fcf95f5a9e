"""The simulated agency's people: officers for every unit and role of the organisation file."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from engine.runtime.commands import Actor
from engine.runtime.dossier import Applicant
from engine.runtime.engine import Engine
from engine.runtime.users import User

__all__ = ["Staff", "create_staff", "random_applicant"]

_PREFIX = {"officer": "cv", "head": "tp", "leader": "ld"}
_TITLES = {"officer": "Chuyên viên", "head": "Trưởng phòng", "leader": "Lãnh đạo"}
_FAMILY = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Phan", "Vũ", "Đặng", "Bùi", "Đỗ", "Ngô")
_MIDDLE = ("Văn", "Thị", "Minh", "Ngọc", "Thanh", "Hữu", "Quốc", "Thu", "Đức")
_GIVEN = ("An", "Bình", "Chi", "Dũng", "Giang", "Hà", "Hải", "Hùng", "Lan", "Linh", "Mai", "Nam")
_VILLAGES = ("Thôn Phú Hòa", "Thôn An Lợi", "Khu phố 3", "Tổ dân phố Tân Thành")


@dataclass
class Staff:
    posts: dict[tuple[str, str], list[User]] = field(default_factory=dict)
    by_id: dict[int, User] = field(default_factory=dict)

    def actor(
        self, rng: random.Random, unit: str, role: str, assignee_id: int | None = None
    ) -> Actor:
        """Whoever holds the task, else any officer of its unit and role."""
        if assignee_id is not None and assignee_id in self.by_id:
            return self.by_id[assignee_id].actor
        return rng.choice(self.posts[(unit, role)]).actor


def create_staff(engine: Engine, rng: random.Random) -> Staff:
    """Two officers and one head and one leader for every unit (no passwords: nobody logs in)."""
    staff = Staff()
    organisation = engine.organisation
    for unit in sorted(organisation.units):
        for role in sorted(organisation.roles):
            for number in range(2 if role == "officer" else 1):
                prefix = _PREFIX.get(role, role[:4])
                username = f"{prefix}{number + 1}.{unit}"[:60]
                user = engine.users.create(
                    username, _person(rng), unit, [role], None, title=_TITLES.get(role)
                )
                staff.posts.setdefault((unit, role), []).append(user)
                staff.by_id[user.id] = user
    return staff


def random_applicant(rng: random.Random) -> Applicant:
    return Applicant(
        _person(rng),
        id_number=f"0{rng.randrange(10**10, 10**11)}",
        address=f"{rng.choice(_VILLAGES)}, xã Phước Lộc",
        phone="09" + str(rng.randrange(10**7, 10**8)),
    )


def _person(rng: random.Random) -> str:
    return f"{rng.choice(_FAMILY)} {rng.choice(_MIDDLE)} {rng.choice(_GIVEN)}"
