"""`python -m accord.store.reachable URL`: exit 0 when the database answers within 3 s."""

from __future__ import annotations

import sys

from sqlalchemy import text

from accord.store.engine import make_engine


def answers(url: str) -> bool:
    engine = make_engine(url, connect_args={"connect_timeout": 3})
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        return True
    except Exception:  # any failure means "not available here"
        return False
    finally:
        engine.dispose()


if __name__ == "__main__":
    sys.exit(0 if answers(sys.argv[1]) else 1)
