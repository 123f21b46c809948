"""The demo's story tables, as plain data in `stories.json` beside this file:

- appeals: item → [weight, winter factor, summer factor, [typical hours to resolve]];
  services: item → [weight, winter factor, summer factor];
- ask: item → [[scope, template]] of what residents write; scopes: "home" (a household),
  "building" (a building), "spot" (a public place, no building). Tokens: {b} building, {bu}
  building+unit, {home} full address, {f} floor, {spot} a public place, {dur} how long
  already; service_ask and service_done: what a booking says, and how it ended ({when});
- reply (by kind of work), kind_of (item → kind), done (item → the resolution, {where}),
  contact_notes, internal_notes, resident_replies, return_notes, extension_reasons, comments
  and tags (by rating): what staff and residents write;
- technical, returnable, transferable, whistle, building_wide: which items go to a
  technician, come back for a ruling, pass to the community, call other units in, or affect
  a whole building (with the chance of each);
- month_volume, hours: how many cases come in by month and by hour of the day;
- fates, fate_age_hours, fate_items: the forced end states of the most recent cases (every
  open state is on show), how old each is, and their items.
"""

import json
from datetime import datetime
from pathlib import Path

STORIES = json.loads((Path(__file__).parent / "stories.json").read_text(encoding="utf-8"))
APPEALS = STORIES["appeals"]
SERVICES = STORIES["services"]
ASK = STORIES["ask"]
SERVICE_ASK = STORIES["service_ask"]
SERVICE_DONE = STORIES["service_done"]
REPLY = STORIES["reply"]
KIND_OF = STORIES["kind_of"]
TECHNICAL = frozenset(STORIES["technical"])
RETURNABLE = STORIES["returnable"]
TRANSFERABLE = STORIES["transferable"]
WHISTLE = STORIES["whistle"]
BUILDING_WIDE = STORIES["building_wide"]
DONE = STORIES["done"]
SPOTS = STORIES["spots"]
DURATIONS = STORIES["durations"]
TAILS = STORIES["tails"]
CONTACT_NOTES = STORIES["contact_notes"]
INTERNAL_NOTES = STORIES["internal_notes"]
RESIDENT_REPLIES = STORIES["resident_replies"]
RETURN_NOTES = STORIES["return_notes"]  # by ReturnReason
EXTENSION_REASONS = STORIES["extension_reasons"]
COMMENTS = STORIES["comments"]  # by Rating
TAGS = STORIES["tags"]  # by Rating
MONTH_VOLUME = {int(month): volume for month, volume in STORIES["month_volume"].items()}
HOURS = STORIES["hours"]
FATES = STORIES["fates"]
FATE_AGE_HOURS = STORIES["fate_age_hours"]
FATE_ITEMS = STORIES["fate_items"]

WINTER = (11, 12, 1, 2, 3)
SUMMER = (6, 7, 8, 9)


def _weight(code: str, table: dict, day: datetime) -> float:
    if code == "RB21":  # Qingdao heats from mid-November to early April
        if (day.month, day.day) >= (11, 12) or day.month <= 3:
            return 16 if day.month in (11, 12) else 10
        return 0
    base, winter, summer = table[code][:3]
    return base * (winter if day.month in WINTER else summer if day.month in SUMMER else 1)
