"""Load-balancer probes: liveness touches nothing, readiness asks the database."""

from unittest import mock

import pytest
from django.db import OperationalError, connection


def test_liveness_answers_a_probe_addressed_to_an_ip(client, db, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/health/live/", HTTP_HOST="10.1.2.3")
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"


def test_liveness_is_not_redirected_to_https(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/health/live/", HTTP_HOST="10.1.2.3").status_code == 200


def test_an_unknown_host_still_gets_400_on_pages(client, db):
    assert client.get("/", HTTP_HOST="10.1.2.3").status_code == 400


@pytest.mark.django_db
def test_readiness_answers_200_when_the_database_answers(client):
    response = client.get("/health/ready/", HTTP_HOST="10.1.2.3")
    assert response.status_code == 200


@pytest.mark.django_db
def test_readiness_answers_503_when_the_database_is_down(client):
    with mock.patch.object(connection, "cursor", side_effect=OperationalError("down")):
        response = client.get("/health/ready/", HTTP_HOST="10.1.2.3")
    assert response.status_code == 503
    assert response.content == b"database unavailable\n"
