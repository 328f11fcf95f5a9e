"""December 2026 (the window 21/11 to 20/12), built through the engine, counted by hand.

D1  18/11 desk    result 18/11                     before the window: not counted
D2  19/11 desk    due 20/11 17:00, result 23/11    carried over, resolved late
D3  20/11 desk    Đất đai, due 04/12, open         carried over, in progress overdue
D0  21/11 00:00   online, result Mon 23/11         received (first instant), early
D4  07/12 desk    result 07/12, returned           early (due 08/12)
D5  07/12 post    result 08/12                     on time (due 08/12)
D6  08/12 online  supplement 08/12-10/12, result 10/12 (due moved to 11/12 16:00): early
D7  09/12 desk    refused at the appraisal step    refused
D8  09/12 desk    refused at reception             refused (at reception)
D9  10/12 kiosk   withdrawn                        withdrawn
D10 10/12 desk    stopped on 11/12                 stopped
D14 01/12 desk    apology 01/12, result 03/12      late (an apology admits the delay)
D11 14/12 online  due 15/12, open                  in progress overdue
D12 18/12 desk    Đất đai, due in January, open    in progress not yet due
D13 18/12 14:00 online, due Mon 21/12 17:00, open  in progress not yet due
D15 21/12 00:00   after the window                 not counted

carried over 2 + received 12 (desk 6, online 4, post 1, kiosk 1)
  = resolved 6 (early 3, on time 1, late 2) + refused 2 + withdrawn 1 + stopped 1
    + in progress 4 (not due 2, overdue 2);  supplement requests 1, apologies 1.
"""

from __future__ import annotations

from engine.runtime.commands import RecordApology
from engine.runtime.dossier import Channel
from engine.runtime.engine import Engine
from scheduler.sweep import sweep_once

from .conftest import BIRTH, CITIZEN, FULL, Desk, Officers, vn


def build_december(engine: Engine, officers: Officers, desk: Desk) -> Engine:
    d1 = desk.receive(vn(11, 18))
    desk.result_ready(d1, vn(11, 18, 10))
    desk.return_result(d1, vn(11, 18, 11))
    d2 = desk.receive(vn(11, 19))
    desk.receive(vn(11, 20), FULL)  # D3
    d0 = desk.receive(vn(11, 21, 0), channel=Channel.ONLINE)
    desk.result_ready(d0, vn(11, 23, 10))
    desk.result_ready(d2, vn(11, 23, 9))

    d14 = desk.receive(vn(12, 1))
    desk.step(d14, "tiep_nhan", vn(12, 1, 8, 30))
    desk.clock.set(vn(12, 2, 9))
    sweep_once(engine)  # the 7 planned hours left no longer fit before 02/12 17:00: apology
    head = engine.users.create("truongtp", "Đỗ Thị Mai", "tu_phap", ["head"]).actor
    (apology,) = [t for t in engine.runtime.get(d14).open_tasks if t.kind == "apology"]
    engine.execute(
        d14,
        RecordApology(apology.key, head.user_id, "Chờ xác minh", vn(12, 4, 17).isoformat()),
        head,
    )
    desk.step(d14, "tham_dinh", vn(12, 3, 9))
    desk.step(d14, "ky_duyet", vn(12, 3, 10))

    d4 = desk.receive(vn(12, 7))
    desk.result_ready(d4, vn(12, 7, 10))
    desk.return_result(d4, vn(12, 7, 11))
    d5 = desk.receive(vn(12, 7, 8, 10), channel=Channel.POST)
    desk.result_ready(d5, vn(12, 8, 10))

    d6 = desk.receive(vn(12, 8), channel=Channel.ONLINE)
    desk.step(d6, "tiep_nhan", vn(12, 8, 8, 30))
    desk.step(d6, "tham_dinh", vn(12, 8, 9), "supplement", {"missing": ["Giấy chứng sinh"]})
    desk.clock.set(vn(12, 10))
    engine.runtime.resume(d6, officers.receiver)
    # 14.5 working hours were left at 08/12 09:00; from 10/12 08:00 they end 11/12 16:00
    assert engine.runtime.get(d6).due_at == vn(12, 11, 16)
    desk.step(d6, "tham_dinh", vn(12, 10, 8, 30))
    desk.step(d6, "ky_duyet", vn(12, 10, 9))

    d7 = desk.receive(vn(12, 9))
    desk.step(d7, "tiep_nhan", vn(12, 9, 8, 30))
    desk.step(d7, "tham_dinh", vn(12, 9, 10), "refuse", {"reason": "Không thuộc thẩm quyền"})
    desk.clock.set(vn(12, 9, 9))
    engine.runtime.refuse_at_reception(BIRTH, CITIZEN, officers.receiver, "Đã đăng ký")  # D8
    d9 = desk.receive(vn(12, 10), channel=Channel.KIOSK)
    desk.clock.set(vn(12, 10, 9))
    engine.runtime.withdraw(d9, officers.receiver, "Người nộp rút hồ sơ")
    d10 = desk.receive(vn(12, 10, 8, 30))
    desk.clock.set(vn(12, 11, 8))
    engine.runtime.stop(d10, officers.receiver, "Người nộp đề nghị dừng")

    desk.receive(vn(12, 14), channel=Channel.ONLINE)  # D11
    desk.receive(vn(12, 18), FULL)  # D12
    desk.receive(vn(12, 18, 14), channel=Channel.ONLINE)  # D13
    desk.receive(vn(12, 21, 0))  # D15
    desk.clock.set(vn(12, 22, 9))
    return engine
