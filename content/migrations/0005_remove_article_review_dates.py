from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("content", "0004_freeze_approved_articles"),
    ]

    operations = [
        migrations.RemoveField(
            model_name='article',
            name='last_reviewed',
        ),
        migrations.RemoveField(
            model_name='article',
            name='next_review_due',
        ),
        migrations.RemoveField(
            model_name='article',
            name='review_interval_months',
        ),
        migrations.RemoveField(
            model_name='historicalarticle',
            name='last_reviewed',
        ),
        migrations.RemoveField(
            model_name='historicalarticle',
            name='next_review_due',
        ),
        migrations.RemoveField(
            model_name='historicalarticle',
            name='review_interval_months',
        ),
        migrations.RemoveField(
            model_name='review',
            name='approved_at',
        ),
        migrations.RemoveField(
            model_name='review',
            name='approved_by',
        ),
        migrations.RemoveField(
            model_name='review',
            name='change_note',
        ),
        migrations.RemoveField(
            model_name='review',
            name='revision',
        ),
    ]
