"""Copy GOV.UK Frontend's built assets from node_modules into accord/web/static/govuk.

Run by `make assets` after `npm ci`. The stylesheet refers to /assets/...; here it is served
under /static/govuk/assets/..., so those URLs are rewritten. The GDS Transport font is
licensed for GOV.UK services only, so it is not copied and its @font-face rules are dropped:
pages fall back to Arial, as the design system asks of services outside GOV.UK.
"""

from __future__ import annotations

import re
import shutil
import sys
from pathlib import Path

STATIC = Path(__file__).resolve().parent / "static" / "govuk"
_FONT_FACE = re.compile(r"@font-face\{[^}]*\}")


def build(node_modules: Path, out: Path = STATIC) -> list[Path]:
    dist = node_modules / "govuk-frontend" / "dist" / "govuk"
    if not dist.is_dir():
        raise FileNotFoundError(f"{dist} not found: run `npm ci` first")
    if out.exists():
        shutil.rmtree(out)
    (out / "assets").mkdir(parents=True)
    shutil.copytree(dist / "assets" / "images", out / "assets" / "images")
    shutil.copy2(dist / "assets" / "manifest.json", out / "assets" / "manifest.json")
    css = (dist / "govuk-frontend.min.css").read_text(encoding="utf-8")
    css = _FONT_FACE.sub("", css).replace("url(/assets/", "url(/static/govuk/assets/")
    # The source map names files this copy does not ship; drop the pointer to it.
    css = re.sub(r"/\*# sourceMappingURL=.*?\*/", "", css)
    (out / "govuk-frontend.min.css").write_text(css, encoding="utf-8")
    js = (dist / "govuk-frontend.min.js").read_text(encoding="utf-8")
    js = re.sub(r"//# sourceMappingURL=\S+", "", js)
    (out / "govuk-frontend.min.js").write_text(js, encoding="utf-8")
    return sorted(p for p in out.rglob("*") if p.is_file())


def main() -> None:
    node_modules = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("node_modules")
    files = build(node_modules)
    print(f"GOV.UK Frontend assets: {len(files)} files in {STATIC}")


if __name__ == "__main__":
    main()
