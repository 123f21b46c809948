"""How personal data looks to roles that do not need it."""


def mask_mobile(mobile: str) -> str:
    return f"{mobile[:3]}****{mobile[-4:]}" if len(mobile) == 11 else "****"


def mask_id_number(id_number: str | None) -> str:
    if not id_number:
        return ""
    return f"{id_number[:6]}{'*' * (len(id_number) - 10)}{id_number[-4:]}"


def mask_household(number: str) -> str:
    return "*" * len(number)
