"""Ordinary matters run on working time, so nothing climbs the ladder at night; emergencies
(leaks, lift entrapment, gas) and outages of water, power, gas and heating keep their
natural-hour clocks. A policy is changed only while it still holds the values seeded before
(and changed back only while it holds the new ones): an administrator's own values are kept."""

from django.db import migrations

# code: (seeded before, seeded now), each (response amount, unit, resolution amount, unit)
CLOCKS = {
    "ordinary": ((2, "hours", 7, "days"), (2, "working_hours", 5, "working_days")),
    "complex": ((1, "working_days", 15, "days"), (1, "working_days", 10, "working_days")),
    "service": ((2, "hours", 3, "days"), (2, "working_hours", 3, "working_days")),
}
# What each seeded policy is for, as an administrator reads it in the admin.
DESCRIPTIONS = {
    "emergency": "漏水跑水、电梯困人、燃气泄漏、起火触电等危及人身财产安全的紧急情况；"
    "描述中出现分流规则的紧急词时自动按此标准。自然时间计时，夜间和节假日照常计算。",
    "utilities": "停水、停电、停气、供暖不热、电梯故障等：自然时间计时，夜间和节假日照常计算。",
    "ordinary": "一般报事报修和投诉：按工作时间计时，夜间、周末和法定节假日不计。",
    "complex": "复杂疑难、需多方协调的诉求：按工作时间计时。",
    "consultation": "咨询建议：按工作时间计时，无单独的响应时限。",
    "service": "预约服务：按工作时间计时。",
}
FIELDS = ("response_amount", "response_unit", "resolution_amount", "resolution_unit")


def _move(apps, *, forward: bool) -> None:
    SlaPolicy = apps.get_model("catalog", "SlaPolicy")
    for code, (before, now) in CLOCKS.items():
        held, wanted = (before, now) if forward else (now, before)
        SlaPolicy.objects.filter(code=code, **dict(zip(FIELDS, held, strict=True))).update(
            **dict(zip(FIELDS, wanted, strict=True))
        )
    for code, text in DESCRIPTIONS.items():
        held, wanted = ("", text) if forward else (text, "")
        SlaPolicy.objects.filter(code=code, description=held).update(description=wanted)


def working_time(apps, schema_editor):
    _move(apps, forward=True)


def natural_time(apps, schema_editor):
    _move(apps, forward=False)


class Migration(migrations.Migration):
    dependencies = [("catalog", "0002_seed_domains_lists_sla_calendar")]
    operations = [migrations.RunPython(working_time, natural_time)]
