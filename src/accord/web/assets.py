"""Copy the pinned front-end packages from node_modules into accord/web/static.

GOV.UK Frontend goes to static/govuk; Swagger UI (the API's documentation page at /docs) goes
to static/swagger, so the documentation works offline, with no assets from a CDN.
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
SWAGGER = STATIC.parent / "swagger"
_SOURCE_MAP = re.compile(r"(//# sourceMappingURL=\S+|/\*# sourceMappingURL=.*?\*/)")
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


def build_swagger(node_modules: Path, out: Path = SWAGGER) -> list[Path]:
    dist = node_modules / "swagger-ui-dist"
    if not dist.is_dir():
        raise FileNotFoundError(f"{dist} not found: run `npm ci` first")
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    for name in ("swagger-ui-bundle.js", "swagger-ui.css"):
        text = (dist / name).read_text(encoding="utf-8")
        # the maps are not shipped; a pointer to one would be a request that fails
        (out / name).write_text(_SOURCE_MAP.sub("", text), encoding="utf-8")
    shutil.copy2(dist / "LICENSE", out / "LICENSE")
    return sorted(p for p in out.rglob("*") if p.is_file())


def main() -> None:
    node_modules = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("node_modules")
    files = build(node_modules)
    print(f"GOV.UK Frontend assets: {len(files)} files in {STATIC}")
    files = build_swagger(node_modules)
    print(f"Swagger UI assets: {len(files)} files in {SWAGGER}")


if __name__ == "__main__":
    main()
