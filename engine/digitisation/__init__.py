"""Digitisation and reuse (số hóa, tái sử dụng), payment, post and the national portal.

- ``datastore``: the applicants' electronic data store (Kho quản lý dữ liệu điện
  tử của tổ chức, cá nhân): papers, offers at reception, access control and log;
- ``reception`` and ``dossier``: reuse and scans at reception, the electronic
  result stored when it is issued, what is still to scan;
- ``payments``: fees, the payment-gateway adapter and its signed notices;
- ``sync`` and ``portal``: the national portal's sync outbox and its dispatcher;
- ``rates``: digitisation, electronic-result, reuse, online and online-payment rates;
- ``demo``: applicants with stored papers for the demo.

Import the modules themselves; this package imports nothing, so that the runtime
can use its small pieces (``projection``) without an import cycle.
"""
