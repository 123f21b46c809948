"""Train a triage model on the catalogue and the case history, and make it the active one."""

import json

from django.core.management.base import BaseCommand, CommandError

from core.errors import ApplicationError
from triage.services import model_train


class Command(BaseCommand):
    help = "Train and activate a new triage model version (catalogue + labelled cases)."

    def handle(self, *args, **options):
        try:
            model = model_train(reason="command")
        except ApplicationError as error:
            raise CommandError(error.message) from error
        self.stdout.write(
            json.dumps({"version": model.version, "samples": model.samples}, ensure_ascii=False)
        )
