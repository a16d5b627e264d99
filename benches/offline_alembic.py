"""Alembic's `upgrade head --sql` timed on N generated revision scripts, the same schema changes the
Rust bench renders: each revision creates a table (id, name, created_at) and an index on it.

Usage: offline_alembic.py N RUNS. Prints the median time in seconds of `command.upgrade(cfg, "head",
sql=True)` for PostgreSQL, output written to memory. Each run reads the N scripts, as Alembic
always does; the Rust side compiles them in.
"""

import io
import os
import statistics
import sys
import tempfile
import time

from alembic import command
from alembic.config import Config

ENV = '''
from alembic import context
context.configure(url="postgresql://", literal_binds=True, dialect_opts={"paramstyle": "named"})
with context.begin_transaction():
    context.run_migrations()
'''

SCRIPT = '''
from alembic import op
import sqlalchemy as sa

revision = "r{i:04}"
down_revision = {down}
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "bench_{i}",
        sa.Column("id", sa.BigInteger, primary_key=True),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True)),
    )
    op.create_index("bench_{i}_name", "bench_{i}", ["name"])


def downgrade():
    pass
'''


def main() -> None:
    n, runs = int(sys.argv[1]), int(sys.argv[2])
    with tempfile.TemporaryDirectory() as folder:
        os.makedirs(os.path.join(folder, "versions"))
        with open(os.path.join(folder, "env.py"), "w") as env:
            env.write(ENV)
        for i in range(n):
            down = "None" if i == 0 else f'"r{i - 1:04}"'
            with open(os.path.join(folder, "versions", f"r{i:04}.py"), "w") as script:
                script.write(SCRIPT.format(i=i, down=down))
        times = []
        for _ in range(runs):
            out = io.StringIO()
            config = Config(output_buffer=out)
            config.set_main_option("script_location", folder)
            start = time.perf_counter()
            command.upgrade(config, "head", sql=True)
            times.append(time.perf_counter() - start)
            assert out.getvalue().count("CREATE TABLE bench_") == n
        print(statistics.median(times))


if __name__ == "__main__":
    main()
