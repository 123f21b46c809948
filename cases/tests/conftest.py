from core.testing import SH, T0  # noqa: F401  (the clock the case tests start from)
