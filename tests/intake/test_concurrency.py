"""Two posts of one form at the same moment make exactly one request."""

import threading

import pytest
from django.db import connection
from django.test import Client

from intake.models import IntakeRequest
from tests.intake.test_submission import CALLBACK, callback_data


@pytest.mark.django_db(transaction=True)
def test_concurrent_posts_of_one_form_make_one_request(center):
    if connection.vendor != "postgresql":
        pytest.skip("needs a database with real concurrent transactions; CI runs PostgreSQL")
    data = callback_data()
    barrier = threading.Barrier(4)
    statuses = []

    def post():
        client = Client()
        barrier.wait()
        statuses.append(client.post(CALLBACK, data).status_code)
        connection.close()

    threads = [threading.Thread(target=post) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert statuses == [303, 303, 303, 303]
    assert IntakeRequest.objects.count() == 1
