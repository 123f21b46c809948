"""Seed the five domains, the three published lists, the default SLA policies
(reference/governance.md §2) and the holiday calendar for the years chinesecalendar covers."""

from datetime import date, timedelta

from django.db import migrations

DOMAINS = [
    ("red", "红色党建引领", "#C8102E", "以党建为引领，凝聚社区、物业和居民的力量。"),
    ("orange", "橙色和谐互动", "#F28C28", "邻里互助、议事协商，让小区更和睦。"),
    ("gold", "金色文明守法", "#D4A017", "倡导文明新风，守法有序，共建平安家园。"),
    ("green", "绿色低碳生态", "#2E8B57", "垃圾分类、节能降碳、绿化养护，建设美丽家园。"),
    ("blue", "蓝色安全境美", "#1F6FB2", "消防、设施和公共安全，守护居民的安全与环境。"),
]
LISTS = [
    ("red_butler", "物业红管家服务清单", "物业企业承诺的 26 项基础服务，居民报事报修一门受理。"),
    ("public_welfare", "公益服务清单", "社区、合作伙伴和志愿者提供的免费公益服务。"),
    ("convenience", "便民服务清单", "家门口的便民服务，明码标价，预约上门。"),
]
# code, name, priority, response (amount, unit), resolution (amount, unit)
POLICIES = [
    ("emergency", "紧急（漏水、电梯困人、燃气）", "emergency", (30, "minutes"), (2, "hours")),
    ("utilities", "水电气热", "urgent", (2, "hours"), (24, "hours")),
    ("ordinary", "一般诉求", "normal", (2, "hours"), (7, "days")),
    ("complex", "复杂疑难", "complex", (1, "working_days"), (15, "days")),
    ("consultation", "咨询建议", "normal", (None, ""), (1, "working_days")),
    ("service", "预约服务", "normal", (2, "hours"), (3, "days")),
]
HOLIDAY_NAMES = {
    "new_years_day": "元旦", "spring_festival": "春节", "tomb_sweeping_day": "清明节",
    "labour_day": "劳动节", "dragon_boat_festival": "端午节", "mid_autumn_festival": "中秋节",
    "national_day": "国庆节", "anti_fascist_70th_day": "抗战胜利70周年纪念日",
}


def seed(apps, schema_editor):
    Domain = apps.get_model("catalog", "Domain")
    ServiceList = apps.get_model("catalog", "ServiceList")
    SlaPolicy = apps.get_model("catalog", "SlaPolicy")
    for sort, (code, name, color, description) in enumerate(DOMAINS):
        Domain.objects.get_or_create(code=code, defaults={
            "name": name, "color": color, "description": description, "sort": sort,
        })
    for sort, (code, name, description) in enumerate(LISTS):
        ServiceList.objects.get_or_create(code=code, defaults={
            "name": name, "description": description, "sort": sort,
        })
    for code, name, priority, (r_amount, r_unit), (s_amount, s_unit) in POLICIES:
        SlaPolicy.objects.get_or_create(code=code, defaults={
            "name": name, "priority": priority, "response_amount": r_amount,
            "response_unit": r_unit, "resolution_amount": s_amount, "resolution_unit": s_unit,
        })
    seed_calendar(apps)


def seed_calendar(apps):
    import chinese_calendar

    CalendarYear = apps.get_model("catalog", "CalendarYear")
    CalendarDay = apps.get_model("catalog", "CalendarDay")
    names = {h.value: HOLIDAY_NAMES.get(h.name, "") for h in chinese_calendar.Holiday}
    days = []
    for year in range(2020, 2100):
        day, end = date(year, 1, 1), date(year, 12, 31)
        try:
            chinese_calendar.is_workday(day)
        except NotImplementedError:
            break
        CalendarYear.objects.get_or_create(year=year, defaults={"source": "chinesecalendar"})
        while day <= end:
            holiday, english_name = chinese_calendar.get_holiday_detail(day)
            workday = not holiday
            if workday != (day.weekday() < 5):
                label = "调休" if workday else names.get(english_name, "")
                days.append(CalendarDay(date=day, is_workday=workday, name=label))
            day += timedelta(days=1)
    existing = set(CalendarDay.objects.values_list("date", flat=True))
    CalendarDay.objects.bulk_create([d for d in days if d.date not in existing])


def unseed(apps, schema_editor):
    for model in ("CalendarDay", "CalendarYear", "SlaPolicy", "ServiceList", "Domain"):
        apps.get_model("catalog", model).objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("catalog", "0001_service_catalogue_sla_routing_calendar")]
    operations = [migrations.RunPython(seed, unseed)]
