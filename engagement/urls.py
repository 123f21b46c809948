from django.urls import path

from engagement.views import activities, deliberation, programmes, staff, visits

app_name = "engagement"
urlpatterns = [
    # Public
    path("", activities.calendar, name="calendar"),
    path("calendar.ics", activities.calendar_ics, name="calendar_ics"),
    path("activities/<int:activity_id>/", activities.activity_detail, name="activity"),
    path("activities/<int:activity_id>/calendar.ics", activities.activity_ics, name="activity_ics"),
    path("volunteers/", activities.volunteers, name="volunteers"),
    # Residents
    path("activities/<int:activity_id>/sign-up/", activities.activity_signup, name="signup"),
    path("mine/", activities.mine, name="mine"),
    path("mine/profile/", activities.profile, name="profile"),
    path("signups/<int:signup_id>/cancel/", activities.signup_cancel, name="signup_cancel"),
    path("signups/<int:signup_id>/hours/", activities.hours_report, name="hours_report"),
    # Staff: activities, check-in, hours, venues, figures
    path("staff/activities/", staff.staff_activities, name="staff_activities"),
    path("staff/activities/new/", staff.activity_new, name="activity_new"),
    path("staff/activities/<int:activity_id>/", staff.checkin, name="checkin"),
    path("staff/activities/<int:activity_id>/edit/", staff.activity_edit, name="activity_edit"),
    path(
        "staff/activities/<int:activity_id>/cancel/", staff.activity_cancel, name="activity_cancel"
    ),
    path("staff/activities/<int:activity_id>/code/", staff.checkin_code, name="checkin_code"),
    path("staff/signups/<int:signup_id>/check-in/", staff.signup_check_in, name="check_in"),
    path("staff/signups/<int:signup_id>/check-out/", staff.signup_check_out, name="check_out"),
    path("staff/signups/<int:signup_id>/hours/", staff.hours_review, name="hours_review"),
    path("staff/venues/", staff.venues, name="venues"),
    path("staff/figures/", staff.figures, name="figures"),
    # Deliberation
    path("deliberation/", deliberation.topics, name="topics"),
    path("deliberation/new/", deliberation.topic_new, name="topic_new"),
    path("deliberation/<int:topic_id>/", deliberation.topic_detail, name="topic"),
    path("deliberation/<int:topic_id>/support/", deliberation.topic_support, name="topic_support"),
    path(
        "deliberation/<int:topic_id>/schedule/", deliberation.topic_schedule, name="topic_schedule"
    ),
    path("deliberation/<int:topic_id>/record/", deliberation.topic_record, name="topic_record"),
    path("deliberation/<int:topic_id>/decide/", deliberation.topic_decide, name="topic_decide"),
    path("deliberation/<int:topic_id>/actions/", deliberation.action_add, name="action_add"),
    path("deliberation/actions/<int:action_id>/", deliberation.action_update, name="action_update"),
    # Programmes (在城长)
    path("programmes/", programmes.programmes, name="programmes"),
    path("programmes/new/", programmes.programme_new, name="programme_new"),
    path("programmes/<int:programme_id>/", programmes.programme_detail, name="programme"),
    path(
        "programmes/<int:programme_id>/attendance/",
        programmes.attendance_today,
        name="attendance_today",
    ),
    path(
        "programmes/<int:programme_id>/attendance/<str:day>/",
        programmes.attendance,
        name="attendance",
    ),
    path("programmes/<int:programme_id>/summary/", programmes.summary, name="programme_summary"),
    path(
        "programmes/<int:programme_id>/summary.xlsx",
        programmes.summary_xlsx,
        name="programme_summary_xlsx",
    ),
    path(
        "programmes/enrolments/<int:enrolment_id>/mark/",
        programmes.attendance_mark,
        name="attendance_mark",
    ),
    path(
        "programmes/enrolments/<int:enrolment_id>/withdraw/",
        programmes.enrolment_withdraw,
        name="enrolment_withdraw",
    ),
    path("programmes/follow-ups/<int:attendance_id>/", programmes.follow_up, name="follow_up"),
    # Door-knock visits
    path("visits/", visits.visits, name="visits"),
    path("visits/new/", visits.visit_new, name="visit_new"),
    path("visits/plan/", visits.visit_plan_new, name="visit_plan_new"),
    path("visits/plan/<int:plan_id>/drop/", visits.visit_plan_drop, name="visit_plan_drop"),
    path("visits/<int:visit_id>/", visits.visit_detail, name="visit"),
    path("visits/<int:visit_id>/case/", visits.visit_to_case, name="visit_to_case"),
]
