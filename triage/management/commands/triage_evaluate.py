"""Measure triage and print JSON.

--train A.csv --test B.csv   train the production recipe on A only, predict B
--cv A.csv                   repeated stratified k-fold cross-validation on A
--residents [B.csv]          top-1/top-3 on residents' own words (default: the held-out set
                             triage/data/residents_words.csv), trained as production trains
--duplicates                 duplicate search on the case history with injected duplicates:
                             reworded, and hard (sharing no two characters with the report)
"""

import json

from django.core.management.base import BaseCommand, CommandError

from triage import evaluation
from triage.corpus import RESIDENTS_WORDS, BadFile


class Command(BaseCommand):
    help = "Evaluate triage: held-out accuracy and macro-F1, cross-validation, duplicates."

    def add_arguments(self, parser):
        parser.add_argument("--train", help="CSV (text,label) to train on")
        parser.add_argument("--test", help="CSV (text,label) to predict")
        parser.add_argument("--cv", help="CSV (text,label) for cross-validation")
        parser.add_argument("--folds", type=int, default=5)
        parser.add_argument("--repeats", type=int, default=3)
        parser.add_argument("--residents", nargs="?", const=str(RESIDENTS_WORDS), metavar="CSV")
        parser.add_argument("--duplicates", action="store_true")
        parser.add_argument("--limit", type=int, default=200, help="duplicates to inject")

    def handle(self, *args, **options):
        result = {}
        try:
            if options["train"] or options["test"]:
                if not (options["train"] and options["test"]):
                    raise CommandError("--train and --test go together.")
                result = evaluation.evaluate_files(options["train"], options["test"])
            if options["cv"]:
                if options["folds"] < 2 or options["repeats"] < 1:
                    raise CommandError("--folds must be at least 2 and --repeats at least 1.")
                result["cross_validation"] = evaluation.cross_validate(
                    options["cv"], folds=options["folds"], repeats=options["repeats"]
                )
            if options["residents"]:
                result["residents"] = evaluation.evaluate_residents(options["residents"])
            if options["duplicates"]:
                result["duplicates"] = evaluation.evaluate_duplicates(limit=options["limit"])
                result["duplicates_hard"] = evaluation.evaluate_duplicates(
                    limit=options["limit"], hard=True
                )
        except (BadFile, ValueError) as error:
            raise CommandError(str(error)) from error
        if not result:
            raise CommandError(
                "Say what to evaluate: --train/--test, --cv, --residents or --duplicates."
            )
        self.stdout.write(json.dumps(result, ensure_ascii=False, indent=2))
