"""The migrations and the models describe the same schema, on whichever database the suite runs."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

from outreach.extensions import db


def test_database_is_at_the_newest_migration(app):
    config = app.extensions["migrate"].migrate.get_config()
    head = ScriptDirectory.from_config(config).get_current_head()
    with db.engine.connect() as connection:
        assert MigrationContext.configure(connection).get_current_revision() == head


def test_no_difference_between_models_and_migrations(app):
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        diff = compare_metadata(context, db.metadata)
    assert diff == []


def test_migration_files_have_dated_names(app):
    import re

    import outreach.paths

    versions = outreach.paths.ROOT / "migrations" / "versions"
    names = [p.name for p in versions.glob("*.py")]
    assert names
    assert all(re.match(r"^\d{4}-\d{2}-\d{2}_[0-9a-f]+_\w+\.py$", n) for n in names), names
