"""The center's JSON-LD: valid JSON, safe in a script element, and only real schema.org terms.

A small table of the vocabulary stands in for schema.org: for each type we
use, the properties it may carry (its own and those it inherits: a
MedicalClinic is a MedicalOrganization and a MedicalBusiness, which is a
LocalBusiness, an Organization and a Place), and the members of the
enumerations we take values from. Checked against schema.org's pages for
each type; a property not listed here is a failure, so adding one means
checking it there first.
"""

import json
import re

import pytest

from center.models import Credential, Program
from center.structured_data import clinic_json_ld
from content.models import CenterProfile

THING = {"@context", "@type", "@id", "name", "url", "description", "identifier", "sameAs"}
ORGANIZATION = THING | {"address", "telephone", "email", "logo", "hasCredential"}
PLACE = THING | {"address", "telephone", "openingHoursSpecification", "hasMap", "geo"}
LOCAL_BUSINESS = ORGANIZATION | PLACE | {"openingHours", "paymentAccepted", "priceRange"}
MEDICAL_ORGANIZATION = ORGANIZATION | {
    "medicalSpecialty",
    "isAcceptingNewPatients",
    "healthPlanNetworkId",
}
VOCABULARY = {
    "MedicalClinic": LOCAL_BUSINESS | MEDICAL_ORGANIZATION | {"availableService"},
    "PostalAddress": THING
    | {"streetAddress", "addressLocality", "addressRegion", "postalCode", "addressCountry"},
    "OpeningHoursSpecification": THING | {"dayOfWeek", "opens", "closes"},
    # MedicalTherapy < TherapeuticProcedure < MedicalProcedure < MedicalEntity < Thing
    "MedicalTherapy": THING | {"drug", "doseSchedule", "procedureType", "relevantSpecialty"},
    # A CreativeWork
    "EducationalOccupationalCredential": THING
    | {"credentialCategory", "recognizedBy", "validFor", "validIn", "competencyRequired"},
    "Organization": ORGANIZATION,
}
# What each property may hold: a type from the table, or members of an enumeration.
RANGES = {
    "address": {"PostalAddress"},
    "openingHoursSpecification": {"OpeningHoursSpecification"},
    "availableService": {"MedicalTherapy", "MedicalProcedure", "MedicalTest"},
    "hasCredential": {"EducationalOccupationalCredential"},
    "recognizedBy": {"Organization"},
}
ENUMERATIONS = {
    "dayOfWeek": {
        "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday",
        "PublicHolidays",
    },
    "medicalSpecialty": {
        "Anesthesia", "Cardiovascular", "CommunityHealth", "Dentistry", "Dermatology",
        "DietNutrition", "Emergency", "Endocrine", "Gastroenterologic", "Genetic", "Geriatric",
        "Gynecologic", "Hematologic", "Infectious", "LaboratoryScience", "Midwifery",
        "Musculoskeletal", "Neurologic", "Nursing", "Obstetric", "Oncologic", "Optometric",
        "Otolaryngologic", "Pathology", "Pediatric", "PharmacySpecialty", "Physiotherapy",
        "PlasticSurgery", "Podiatric", "PrimaryCare", "Psychiatric", "PublicHealth",
        "Pulmonary", "Radiography", "Renal", "RespiratoryTherapy", "Rheumatologic",
        "SpeechPathology", "Surgical", "Toxicologic", "Urologic",
    },
}  # fmt: skip


def vocabulary_errors(node, path="$"):
    """Every term in ``node`` that the table above does not allow, as readable strings."""
    errors = []
    node_type = node.get("@type")
    allowed = VOCABULARY.get(node_type)
    if allowed is None:
        return [f"{path}: unknown type {node_type!r}"]
    for prop, value in node.items():
        where = f"{path}.{prop}"
        if prop not in allowed:
            errors.append(f"{where}: not a property of {node_type}")
            continue
        for item in value if isinstance(value, list) else [value]:
            if prop in ENUMERATIONS:
                member = str(item).removeprefix("https://schema.org/")
                if not str(item).startswith("https://schema.org/"):
                    errors.append(f"{where}: {item!r} is not a schema.org URL")
                elif member not in ENUMERATIONS[prop]:
                    errors.append(f"{where}: {member!r} is not a member")
            elif isinstance(item, dict):
                if prop in RANGES and item.get("@type") not in RANGES[prop]:
                    errors.append(f"{where}: a {item.get('@type')} cannot be its value")
                errors.extend(vocabulary_errors(item, where))
    return errors


def test_the_checker_catches_made_up_terms():
    bad = {
        "@type": "MedicalClinic",
        "medicalSpecialty": "https://schema.org/Addiction",
        "availableServices": [],
        "address": {"@type": "PostalAddress", "zip": "43215"},
        "openingHoursSpecification": [{"@type": "OpeningHoursSpecification", "dayOfWeek": "Mon"}],
    }
    assert len(vocabulary_errors(bad)) == 4


def _json_ld_blocks(html):
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    return [json.loads(block) for block in blocks]


@pytest.mark.parametrize(
    "url",
    ["/about/", "/programs/", "/programs/medications-for-opioid-use-disorder/", "/location/"],
)
def test_pages_describe_the_center_with_valid_schema_org_terms(client, demo_data, url):
    (data,) = _json_ld_blocks(client.get(url).content.decode())
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "MedicalClinic"
    assert vocabulary_errors(data) == []


def test_the_clinic_carries_what_a_search_engine_needs(client, demo_data):
    (data,) = _json_ld_blocks(client.get("/about/").content.decode())
    assert data["name"] == "Larkspur Bend Recovery Center"
    assert data["@id"] == "https://wellness.example/about/#organization"
    assert data["telephone"] == "+16145550187"  # the admissions line
    assert data["address"]["streetAddress"] == "1200 Sample Avenue"
    assert data["address"]["addressRegion"] == "OH"
    hours = data["openingHoursSpecification"][0]
    profile = CenterProfile.objects.get()
    assert len(hours["dayOfWeek"]) == len(profile.business_days)
    assert hours["opens"] == profile.business_opens.strftime("%H:%M")
    names = [service["name"] for service in data["availableService"]]
    assert names == list(Program.objects.published().values_list("name", flat=True))
    # Current credentials only.
    credentials = [c["name"] for c in data["hasCredential"]]
    assert len(credentials) == Credential.objects.current().count()
    expired = Credential.objects.expired().get()
    assert expired.name not in credentials


def test_a_program_page_names_its_own_service(client, demo_data):
    program = Program.objects.get(slug="family-program")
    (data,) = _json_ld_blocks(client.get(program.get_absolute_url()).content.decode())
    assert [s["name"] for s in data["availableService"]] == [program.name]


def test_opening_hours_follow_the_business_days():
    center = CenterProfile(name="A center", business_days="1357")
    data = clinic_json_ld(center, site_url="https://example.org")
    days = data["openingHoursSpecification"][0]["dayOfWeek"]
    assert days == [
        "https://schema.org/Monday",
        "https://schema.org/Wednesday",
        "https://schema.org/Friday",
        "https://schema.org/Sunday",
    ]
    assert "address" not in data  # no address entered yet: none claimed
    assert vocabulary_errors(data) == []


def test_json_ld_cannot_be_ended_by_what_staff_type(client, make_program, no_page_cache):
    make_program(name="</script><script>alert(1)</script> & more", slug="hostile")
    html = client.get("/programs/").content.decode()
    (block,) = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert "<" not in block and "&" not in block  # escaped as \u003C and \u0026
    data = json.loads(block)
    assert data["availableService"][0]["name"] == "</script><script>alert(1)</script> & more"
