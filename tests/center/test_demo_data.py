"""The demo's center: nine programs, a team, licences (one lapsed), insurers and pages."""

from datetime import date

from django.core.management import call_command
from django.utils import timezone

from center.models import CenterPage, Credential, InsurancePlan, Program, StaffMember
from content.management.commands.load_demo_data import WRITTEN_ON
from content.models import ArticleVersion, Person


def test_the_demo_loads_every_kind_of_center_data(demo_data):
    assert Program.objects.published().count() == 9
    assert 6 <= StaffMember.objects.published().count() <= 8
    assert StaffMember.objects.filter(role=StaffMember.Role.ADMISSIONS).count() >= 2
    assert InsurancePlan.objects.published().exists()
    admissions = CenterPage.objects.filter(section=CenterPage.Section.ADMISSIONS)
    assert set(admissions.values_list("slug", flat=True)) == {
        "what-happens-when-you-call",
        "what-to-bring",
        "your-first-day",
        "visiting-and-phones",
    }
    for section in ("about", "paying", "location"):
        assert CenterPage.objects.filter(section=section).exists(), section


def test_exactly_one_demo_licence_is_expired_whenever_it_is_loaded(demo_data):
    assert Credential.objects.expired().count() == 1
    current = Credential.objects.current()
    kinds = set(current.values_list("kind", flat=True))
    assert {"state_licence", "joint_commission", "legitscript", "samhsa_otp"} <= kinds
    # Dates moved with the demo: as far from today as from the day it was written.
    shift = timezone.localdate() - WRITTEN_ON
    licence = Credential.objects.get(kind="state_licence")
    assert licence.valid_until == date(2027, 9, 30) + shift
    assert licence.number.startswith("DEMO-")


def test_every_level_of_care_continues_moud_and_no_stay_is_a_fixed_length(demo_data):
    for program in Program.objects.exclude(level=Program.Level.NONE):
        assert program.moud in (Program.Moud.CONTINUED, Program.Moud.STARTS_HERE), program
        length = program.typical_length.lower()
        assert "depend" in length or "as long as it helps" in length, program
    withdrawal = Program.objects.get(level=Program.Level.WITHDRAWAL_MANAGEMENT)
    assert "not treatment on its own" in withdrawal.summary


def test_demo_programs_link_to_published_articles_and_back(client, demo_data):
    linked = ArticleVersion.objects.live().filter(article__programs__isnull=False).distinct()
    assert linked.count() >= 5
    for program in Program.objects.all():
        for article in program.articles.all():
            assert article.programs.filter(pk=program.pk).exists()


def test_demo_staff_are_not_the_article_reviewers(demo_data):
    reviewers = set(Person.objects.values_list("name", flat=True))
    staff = {member.name.removeprefix("Dr. ") for member in StaffMember.objects.all()}
    assert not staff & {name.removeprefix("Dr. ") for name in reviewers}


def test_loading_again_keeps_center_edits(demo_data):
    Program.objects.filter(slug="family-program").update(name="Families together")
    call_command("load_demo_data", verbosity=0)
    assert Program.objects.get(slug="family-program").name == "Families together"
    assert Program.objects.count() == 9
