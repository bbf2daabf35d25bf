from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("orgtree", "0005_deadline_deadlineexception"),
    ]

    operations = [
        # No exception was granted before this field: the default is never stored.
        migrations.AddField(
            model_name="deadlineexception",
            name="org_path",
            field=models.CharField(
                db_index=True, default="", max_length=255, verbose_name="单位路径"
            ),
            preserve_default=False,
        ),
    ]
