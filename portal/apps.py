from django.apps import AppConfig


class PortalConfig(AppConfig):
    """The pages that show many apps at once (the home pages, the navigation) and the demo
    command that loads them all: the top layer, which every app below may not import."""

    name = "portal"
