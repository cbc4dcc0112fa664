"""The floor for bench/checkin.py: a bare Flask + Flask-SQLAlchemy app that inserts one row.

``POST /api/v1/checkins`` reads a JSON body, inserts one row (the token string and a
timestamp), commits and answers JSON 200. The SQLite pragmas are the ones
outreach/database.py sets on every connection (WAL, synchronous=NORMAL, foreign_keys,
busy_timeout) and the same ``timeout`` connect argument outreach/config.py gives, so the
difference from the real check-in is the application's own work, not the database set-up.

The database file comes from ``BENCH_BASELINE_DB`` (a path). ``python baseline_app.py
--init`` creates its table once, before gunicorn starts several workers.
"""

from __future__ import annotations

import os
import sys
from datetime import datetime, timezone

from flask import Flask, jsonify, request
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import DateTime, String, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


db = SQLAlchemy(model_class=Base)


class Hit(db.Model):
    __tablename__ = "hits"

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(500), nullable=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(), nullable=False)


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, connection_record) -> None:
    # The same four pragmas as outreach.database._sqlite_pragmas.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def create_app() -> Flask:
    app = Flask(__name__)
    path = os.environ["BENCH_BASELINE_DB"]
    app.config["SQLALCHEMY_DATABASE_URI"] = "sqlite:///" + path
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {"connect_args": {"timeout": 30}}
    db.init_app(app)

    @app.post("/api/v1/checkins")
    def check_in():
        data = request.get_json()
        hit = Hit(token=str(data["token"]), created_at=datetime.now(timezone.utc).replace(tzinfo=None))
        db.session.add(hit)
        db.session.commit()
        return jsonify({"result": "ok", "id": hit.id})

    @app.get("/ping")
    def ping():
        return jsonify({"ok": True})

    return app


app = create_app()

if __name__ == "__main__" and "--init" in sys.argv:
    with app.app_context():
        db.create_all()
