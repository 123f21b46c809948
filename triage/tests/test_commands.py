import csv
import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from triage.models import ModelVersion

pytestmark = pytest.mark.django_db

TRAIN = [
    ("楼上漏水，天花板在滴水", "leak"),
    ("卫生间水管爆了，水漫出来", "leak"),
    ("厨房顶上渗水", "leak"),
    ("楼上往下漏水，墙面湿了", "leak"),
    ("电梯坏了停在三楼", "lift"),
    ("电梯按键没反应", "lift"),
    ("电梯门关不上", "lift"),
    ("电梯运行有异响", "lift"),
    ("楼下狗一直叫", "pet"),
    ("有人遛狗不牵绳", "pet"),
    ("草坪上都是狗屎", "pet"),
    ("邻居养的狗咬人", "pet"),
]
TEST = [("楼上漏水了，快来看看", "leak"), ("电梯又坏了", "lift"), ("遛狗不牵绳吓到孩子", "pet")]


def _csv(path, rows):
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["text", "label"])
        writer.writerows(rows)
    return str(path)


def test_evaluate_trains_on_one_file_and_scores_the_other(tmp_path):
    out = StringIO()
    call_command(
        "triage_evaluate",
        train=_csv(tmp_path / "a.csv", TRAIN),
        test=_csv(tmp_path / "b.csv", TEST),
        stdout=out,
    )

    result = json.loads(out.getvalue())
    assert result["accuracy"] == 1.0
    assert result["macro_f1"] == 1.0
    assert result["per_label_f1"] == {"leak": 1.0, "lift": 1.0, "pet": 1.0}
    assert result["ms_per_prediction"] > 0
    assert (result["train_rows"], result["test_rows"]) == (12, 3)
    assert ModelVersion.objects.count() == 0  # evaluation never touches production models


def test_evaluate_cross_validates(tmp_path):
    out = StringIO()
    call_command(
        "triage_evaluate", cv=_csv(tmp_path / "a.csv", TRAIN), folds=2, repeats=1, stdout=out
    )
    result = json.loads(out.getvalue())["cross_validation"]
    assert (result["rows"], result["folds"]) == (12, 2)
    assert 0 <= result["macro_f1"]["mean"] <= 1


def test_evaluate_refuses_a_file_without_the_columns(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("message,category\n楼上漏水,leak\n", encoding="utf-8")
    with pytest.raises(CommandError, match="text,label"):
        call_command("triage_evaluate", train=str(bad), test=str(bad))
    with pytest.raises(CommandError, match="no such file"):
        call_command("triage_evaluate", train=str(tmp_path / "x.csv"), test=str(bad))


def test_evaluate_duplicates_finds_injected_duplicates(world, report, tmp_path):
    from catalog.services import catalogue_load_seed

    catalogue_load_seed()
    report(code="RB17", text="1号楼电梯坏了，停了两天没人修")
    report(code="RB19", text="1号楼楼道灯不亮，晚上太黑了", idempotency_key="k2")
    out = StringIO()
    call_command("triage_evaluate", duplicates=True, stdout=out)

    result = json.loads(out.getvalue())["duplicates"]
    assert result["injected_duplicates"] == 2
    assert result["recall"] == 1.0
    assert result["precision"] == 1.0


def test_train_command_activates_a_new_version(catalogue):
    out = StringIO()
    call_command("triage_train", stdout=out)
    result = json.loads(out.getvalue())
    assert result["version"] == 1
    assert result["samples"]["cases"] == 0
    assert ModelVersion.objects.get(is_active=True).version == 1
