from django.shortcuts import get_object_or_404, render

from content.models import SitePage


def home(request):
    return render(request, "content/home.html")


def site_page(request, kind):
    page = get_object_or_404(SitePage, kind=kind)
    return render(request, "content/site_page.html", {"page": page})
