"""JSON-LD for the center's pages: the center as a schema.org ``MedicalClinic``.

``MedicalClinic`` is both a ``MedicalOrganization`` and a ``MedicalBusiness``
(a ``LocalBusiness``, so a ``Place``): it may carry an address, opening
hours and a map as well as medical specialties and the services offered.
Only properties schema.org defines for these types are used, and only
members of its enumerations as values; tests/center/test_structured_data.py
checks both against a small table of the vocabulary.
"""

from django.urls import reverse

SCHEMA = "https://schema.org/"
# ISO weekday numbers, as CenterProfile.business_days stores them, to schema.org days.
DAYS_OF_WEEK = {
    1: "Monday",
    2: "Tuesday",
    3: "Wednesday",
    4: "Thursday",
    5: "Friday",
    6: "Saturday",
    7: "Sunday",
}
# There is no "addiction medicine" member of MedicalSpecialty; the nearest is
# psychiatry, the branch that treats substance use disorders.
MEDICAL_SPECIALTIES = ["Psychiatric"]
CREDENTIAL_CATEGORIES = {
    "licensed": "license",
    "accredited": "accreditation",
    "certified": "certification",
}


def organization_id(site_url):
    """One identifier for the center, so every page's JSON-LD describes the same node."""
    return f"{site_url}{reverse('about')}#organization"


def _address(center):
    address = {
        "@type": "PostalAddress",
        "streetAddress": center.street_address,
        "addressLocality": center.locality,
        "addressRegion": center.region,
        "postalCode": center.postal_code,
        "addressCountry": "US",
    }
    return {key: value for key, value in address.items() if value}


def _opening_hours(center):
    days = sorted({int(day) for day in center.business_days or "" if day in "1234567"})
    if not days or center.business_opens is None or center.business_closes is None:
        return []
    return [
        {
            "@type": "OpeningHoursSpecification",
            "dayOfWeek": [SCHEMA + DAYS_OF_WEEK[day] for day in days],
            "opens": center.business_opens.strftime("%H:%M"),
            "closes": center.business_closes.strftime("%H:%M"),
        }
    ]


def program_service(program, site_url, *, with_description=True):
    service = {
        "@type": "MedicalTherapy",
        "name": program.name,
        "url": site_url + program.get_absolute_url(),
    }
    if with_description and program.summary:
        service["description"] = program.summary
    return service


def _credential(credential):
    data = {
        "@type": "EducationalOccupationalCredential",
        "name": credential.name,
        "credentialCategory": CREDENTIAL_CATEGORIES[credential.verb],
        "recognizedBy": {"@type": "Organization", "name": credential.issuer},
    }
    if credential.number:
        data["identifier"] = credential.number
    if credential.verification_url:
        data["url"] = credential.verification_url
    return data


def clinic_json_ld(center, *, site_url, programs=(), credentials=()):
    """The center as a MedicalClinic: ``programs`` become its services, ``credentials``
    (current ones only; the caller's choice) its licences and accreditations."""
    data = {
        "@context": "https://schema.org",
        "@type": "MedicalClinic",
        "@id": organization_id(site_url),
        "name": center.name,
        "url": site_url + "/",
        "medicalSpecialty": [SCHEMA + specialty for specialty in MEDICAL_SPECIALTIES],
        "hasMap": site_url + reverse("location"),
    }
    if center.admissions_phone_number:
        data["telephone"] = center.admissions_phone_number
    address = _address(center)
    if address.keys() - {"@type", "addressCountry"}:
        data["address"] = address
    hours = _opening_hours(center)
    if hours:
        data["openingHoursSpecification"] = hours
    if programs:
        data["availableService"] = [program_service(p, site_url) for p in programs]
    current = [c for c in credentials if not c.is_expired()]
    if current:
        data["hasCredential"] = [_credential(c) for c in current]
    return data
