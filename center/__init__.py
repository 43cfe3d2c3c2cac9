"""The center itself: programs, team, licences, insurance, admissions, paying and location.

Demo content is fixtures/demo_center.json, loaded by ``load_demo_data``
with the rest. To regenerate it after editing the demo in the admin:

    python manage.py dumpdata center.program center.staffmember center.credential \\
        center.insuranceplan center.centerpage --indent 2 -o fixtures/demo_center.json

then move each credential's ``valid_until`` back by the days between
``load_demo_data.WRITTEN_ON`` and the day of the dump (the command moves it
forward again on loading), keeping exactly one of them in the past.
"""
