from django.http import JsonResponse
from django.urls import include, path


def healthz(_request):  # type: ignore[no-untyped-def]
    return JsonResponse({"status": "ok"})


urlpatterns = [
    path("healthz", healthz),
    path("", include("helpdesk.urls", namespace="helpdesk")),
]
