"""The timeline of one generated case, its statuses chained as the services chain them."""

from cases.models import Action, Party, Status


class Timeline:
    """Appends events to one generated case; `generator` numbers them."""

    def __init__(self, generator, row: dict, events: list):
        self.g, self.row, self.events = generator, row, events
        self.actions: list[str] = []
        self.last = row["created_at"]

    def add(
        self, at, action, party, actor=None, *, to=None, note="", public=True, unit=None, data=None
    ):
        row = self.row
        self.g.event_id += 1
        from_status = "" if action == Action.SUBMIT else row["status"]
        if to:
            row["status"] = to
        self.events.append(
            {
                "id": self.g.event_id,
                "case_id": row["id"],
                "at": at,
                "actor_id": actor,
                "party": party,
                "action": action,
                "from_status": from_status,
                "to_status": row["status"],
                "note": note,
                "public": public,
                "community_only": False,
                "unit_id": unit,
                "data": data or {},
            }
        )
        self.actions.append(action)
        self.last = max(self.last, at)

    def accept(self, at, party, actor) -> None:
        self.add(at, Action.ACCEPT, party, actor, to=Status.ACCEPTED)
        self.row["accepted_at"] = at

    def contact(self, at, party, actor) -> None:
        self.add(
            at, Action.FIRST_RESPONSE, party, actor, to=Status.IN_PROGRESS, note="已电话联系居民"
        )
        self.row["first_response_at"] = at

    def escalate(self, at, upper_id) -> None:
        row = self.row
        self.add(
            at,
            Action.ESCALATE,
            Party.SYSTEM,
            public=False,
            unit=upper_id,
            data={"missed": "response", "from": row["owner_unit_id"], "to": upper_id},
        )
        row.update(owner_unit_id=upper_id, level=row["level"] + 1)
        row["escalation_count"] += 1
