from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from api import views as api_views
from api.api import api
from core import views as core_views
from insights import views as insights_views
from orgs.signin import SignInView
from portal import views as portal_views
from residents import views as resident_views

admin.site.site_header = _("Hongguanjia administration")
admin.site.site_title = _("Hongguanjia")
admin.site.index_title = _("Master data")

urlpatterns = [
    path("", portal_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("manifest.webmanifest", core_views.web_manifest, name="web_manifest"),
    path("sw.js", core_views.service_worker, name="service_worker"),
    path("offline/", core_views.offline, name="offline"),
    path("accounts/elder/", portal_views.elder_mode, name="elder_mode"),
    path("accounts/login/", SignInView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/resident/", resident_views.resident_signin, name="resident_signin"),
    path("accounts/resident/code/", resident_views.resident_send_code, name="resident_send_code"),
    path("accounts/wechat/", resident_views.wechat_start, name="wechat_start"),
    path("accounts/wechat/done/", resident_views.wechat_done, name="wechat_done"),
    path("accounts/wechat/unlink/", resident_views.wechat_unlink, name="wechat_unlink"),
    path("accounts/wechat/notices/", resident_views.wechat_notices, name="wechat_notices"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("services/", include("catalog.urls")),
    path("cases/", include("cases.urls")),
    path("insights/", include("insights.urls")),
    path("engagement/", include("engagement.urls")),
    path("care/", include("care.urls")),
    path("alliance/", include("alliance.urls")),
    path("triage/", include("triage.urls")),
    path("connect/", include("connect.urls")),
    path("transparency/", insights_views.transparency, name="transparency"),
    path("api/v1/", api.urls),
    path("account/tokens/", api_views.tokens, name="api_tokens"),
    path("account/tokens/<int:token_id>/revoke/", api_views.revoke, name="api_token_revoke"),
    path("open311/v2/", include("open311.urls")),
    path("orgs/", include("orgs.urls")),
    path("residents/", include("residents.urls")),
    path("privacy/", resident_views.privacy_rules, name="privacy_rules"),
    path("privacy/<str:version>/", resident_views.privacy_rules, name="privacy_rules_version"),
    path("admin/", admin.site.urls),
]
