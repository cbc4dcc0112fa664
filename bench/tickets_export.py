"""How long exporting every ticket of the big exhibition as one PDF takes, against WeasyPrint
rendering the same tickets alone.

    .venv/bin/python bench/tickets_export.py [--tickets 4600] [--locale zh_Hans] [--show-statements]

Builds, in a temp SQLite database, an exhibition with N confirmed registrations (inserted in
bulk), then, in the same process:

1. renders one ticket first, so that neither run pays for loading the fonts;
2. the export as staff start it (``documents.start_ticket_export`` and ``export_tickets``, run
   here rather than in its thread): reading the tickets, their tokens and QR codes, the HTML
   of each part, WeasyPrint, writing the file; the SQL statements it runs are counted;
3. WeasyPrint alone: the same HTML parts (made beforehand, QR codes included, outside the
   clock) rendered into one PDF by ``pdf.render_pages``, as the export does.

It prints, for each, the wall time and the process's CPU time (the machine may be shared:
CPU time is the steadier figure), their ratio (the aim is about 1.2 or less), the statements
and the time spent making the HTML. It checks that the PDF has one page per ticket.
"""

from __future__ import annotations

import argparse
import io
import sys
import tempfile
import time
from collections import Counter
from datetime import datetime, timedelta, timezone
from pathlib import Path

#: This checkout's ``outreach``, not the one the virtualenv may have installed.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
PASSWORD = "bench-password-2026"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tickets", type=int, default=4600)
    parser.add_argument("--locale", default="zh_Hans", choices=["zh_Hans", "en"])
    parser.add_argument("--show-statements", action="store_true", help="list the export's SQL statements")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        from flask_migrate import upgrade

        from outreach import create_app

        app = create_app({
            "TESTING": True, "SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{Path(tmp) / 'bench.db'}",
            "INSTANCE_PATH": tmp, "RATELIMIT_ENABLED": False, "SERVER_NAME": "bench.local",
        })
        with app.app_context():
            upgrade()
            event, staff = build(args.tickets)
            with app.test_request_context(base_url="http://bench.local/"):
                report(app, event, staff, args)


def build(tickets: int):
    from sqlalchemy import insert

    from outreach.accounts.services import create_user
    from outreach.events.services import create_event, create_venue
    from outreach.extensions import db
    from outreach.places.models import Branch
    from outreach.registration.models import Registration
    from outreach.registration.tickets import new_ticket

    staff = create_user(email="staff@example.org", password=PASSWORD, name="馆员", role="staff")
    branch = Branch(name="醴陵市图书馆（总馆）", name_en="Liling Library (central)", kind="central")
    db.session.add(branch)
    venue = create_venue(name="一楼展厅", name_en="Ground-floor gallery", branch=branch)
    start = datetime.now(timezone.utc).replace(microsecond=0) + timedelta(days=1)
    event = create_event(
        title="“童心绘醴陵”少儿书画展", title_en="Children's painting and calligraphy", type="exhibition",
        status="published", starts_at=start, ends_at=start + timedelta(days=30), venue=venue, capacity=None,
        max_party_size=4,
    )
    db.session.flush()
    now = datetime.now(timezone.utc)
    rows = []
    for n in range(tickets):
        seed, _token, digest = new_ticket()
        rows.append({
            "event_id": event.id, "ticket_seed": seed, "ticket_digest": digest, "status": "confirmed",
            "name": f"读者{n:05d}", "phone": f"138{n:08d}", "party_size": 1 + n % 4,
            "consent_at": now, "confirmed_at": now, "source": "web", "created_at": now,
        })
    for first in range(0, len(rows), 5000):
        db.session.execute(insert(Registration), rows[first:first + 5000])
    db.session.commit()
    print(f"{tickets} confirmed tickets of one exhibition")
    return event, staff


class Clock:
    """Wall and CPU seconds of a block."""

    def __enter__(self):
        self.wall, self.cpu = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc):
        self.wall, self.cpu = time.perf_counter() - self.wall, time.process_time() - self.cpu


def report(app, event, staff, args) -> None:
    from pypdf import PdfReader
    from sqlalchemy import event as sa_event
    from sqlalchemy import select

    from outreach import pdf
    from outreach.extensions import db
    from outreach.platform.models import ExportJob
    from outreach.registration import documents
    from outreach.registration.models import Registration
    from outreach.registration.services import ticket_token

    # 1. Fonts and templates loaded once, before either run.
    first = db.session.scalar(select(Registration).where(Registration.event_id == event.id).limit(1))
    documents.ticket_pdf([(first, ticket_token(first))], locale=args.locale)

    # 2. The export.
    job = documents.start_ticket_export(event, actor=staff, locale=args.locale)
    db.session.commit()
    job_id = job.id
    statements: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    sa_event.listen(db.engine, "before_cursor_execute", count)
    try:
        with Clock() as export:
            documents.export_tickets(job_id)
    finally:
        sa_event.remove(db.engine, "before_cursor_execute", count)
    job = db.session.get(ExportJob, job_id)
    assert job.status == "done", job.error
    pages = len(PdfReader(Path(app.instance_path) / job.path).pages)
    assert pages == args.tickets, f"{pages} pages for {args.tickets} tickets"

    # 3. WeasyPrint alone, on the same HTML (made outside the clock).
    db.session.expire_all()
    registrations = db.session.scalars(
        select(Registration).where(Registration.event_id == event.id, Registration.status == "confirmed")
        .order_by(Registration.name, Registration.id)
    ).all()
    items = [(r, ticket_token(r)) for r in registrations]
    size = documents.PART_SIZE
    with Clock() as making:
        parts = [documents._tickets_html(items[i:i + size], args.locale) for i in range(0, len(items), size)]
    with Clock() as alone:
        document = pdf.render_pages(parts)
    assert len(PdfReader(io.BytesIO(document)).pages) == args.tickets

    print(f"{'':28} {'wall s':>8} {'CPU s':>8}")
    print(f"{'export (whole job)':28} {export.wall:8.1f} {export.cpu:8.1f}")
    print(f"{'WeasyPrint alone':28} {alone.wall:8.1f} {alone.cpu:8.1f}")
    print(f"{'ratio':28} {export.wall / alone.wall:8.2f} {export.cpu / alone.cpu:8.2f}")
    print(f"{'(tokens, QR codes, HTML)':28} {making.wall:8.1f} {making.cpu:8.1f}")
    print(f"SQL statements of the export: {len(statements)}; {pages} pages, {len(document) / 1e6:.1f} MB")
    if args.show_statements:
        for text, n in Counter(" ".join(statement.split())[:110] for statement in statements).most_common():
            print(f"{n:6} {text}")


if __name__ == "__main__":
    main()
