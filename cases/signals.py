"""What intake tells the apps built on cases, without cases importing them.

`case_filed` is sent once by `cases.services.case_submit` for each new case, whatever the
channel (web, staff desk, REST API, Open311, visits), after the case and its first event are
stored; never for a retried submission that returns the case already filed. It is sent with
`send_robust`: a receiver's error is logged and never fails the intake, and a receiver that
writes should do so in its own savepoint. Keyword argument: `case`.
"""

from django.dispatch import Signal

case_filed = Signal()
