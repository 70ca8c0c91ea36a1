"""Upload a file on the Import page in a process of its own, as the Streamlit server would, and
print what the page showed with that process's peak memory (and its children's) as JSON.

    python -m tests.resilience.page_run FILE [--import]

The page runs through AppTest, in this process: its peak resident memory is the server's.
"""

from __future__ import annotations

import json
import resource
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests" / "app"))


def main(argv: list[str]) -> int:
    """Run the Import page on the file argv[0] (then import it with --import); print JSON."""
    from app_support import new_app, upload

    path = Path(argv[0])
    start = time.monotonic()
    at = new_app("admin").run()
    at.switch_page("views/import.py").run()
    upload(at, path.name, path.read_bytes())
    if "--import" in argv and at.main.button:
        at.button(key="import_run").click().run()
    seconds = time.monotonic() - start
    shown: dict[str, Any] = {
        "seconds": seconds,
        "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "children_peak_mib": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
        "exception": [str(e.value) for e in at.exception],
        "error": [e.value for e in at.error],
        "warning": [e.value for e in at.warning],
        "success": [e.value for e in at.success],
        "code": [e.value for e in at.code],
        "metrics": {m.label: m.value for m in at.metric},
        "tables": [len(frame.value) for frame in at.dataframe],
        "table_chars": [
            sum(len(str(cell)) for cell in frame.value.to_numpy().ravel()) for frame in at.dataframe
        ],
        "downloads": [b.label for b in at.get("download_button")],
    }
    print(json.dumps(shown))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
