"""What reading a news web page costs per core: HTML in, a clean Document out (`make bench`).

A feed or archive deployment reads web pages, not clean text, and turning a
page into a report (trafilatura finds the article body, the title, the date
and the outlet; then our own line rules) costs more CPU than extracting events
from it. This benchmark wraps each real report of ../shared/eval/dev and
dev-b (read at run time) in a page shaped like a news site's: a head with
metadata and stylesheets, a script block, a navigation menu of 60 links,
the article with its headline and date, a box of related stories and a
footer — about 60 KB a page, on the small side of real news pages (they are
often 100–300 KB, most of it script). It then times `document_from_html` on
every page, one process, and prints pages per second and per-page time.

A benchmark, not a test: it prints figures and exits 0 whatever they are.
    .venv/bin/python benchmarks/html_reading.py [--pages N] [--shared ../shared]
"""

from __future__ import annotations

import argparse
import html
import statistics
import sys
import time

from whole_process import add_shared_option, missing_inputs, read_records

from frontlines.sources.documents import document_from_html


def news_page(record: dict[str, object], number: int) -> str:
    """One report as a news site would serve it; every report field is escaped."""
    title = html.escape(str(record.get("title") or f"Report {number}"))
    published = html.escape(str(record.get("published") or "2021-07-01"))
    paragraphs = "\n".join(f"<p>{html.escape(p)}</p>" for p in str(record["text"]).split("\n\n")
                           if p.strip())
    menu = "\n".join(f'<li><a href="/section/{i}">Section {i}</a></li>' for i in range(60))
    related = "\n".join(f'<li><a href="/story/{number}-{i}">Another story number {i} of the day '
                        f'about the region</a></li>' for i in range(20))
    script = "var config = {" + ",".join(f'"k{i}": {i}' for i in range(2000)) + "};"
    style = "\n".join(f".c{i} {{ margin: {i % 7}px; }}" for i in range(600))
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{title} | Example News</title>
<meta property="og:title" content="{title}">
<meta property="article:published_time" content="{published}T08:00:00Z">
<meta property="og:site_name" content="Example News">
<style>{style}</style><script>{script}</script></head>
<body><header><nav><ul>{menu}</ul></nav></header>
<main><article><h1>{title}</h1><time datetime="{published}">{published}</time>
{paragraphs}
</article>
<aside><h2>Related</h2><ul>{related}</ul></aside></main>
<footer><p>Copyright Example News. All rights reserved.</p><ul>{menu}</ul></footer>
</body></html>"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=400, help="pages to read (default: 400)")
    add_shared_option(parser)
    args = parser.parse_args(argv)
    missing = missing_inputs(args.shared)
    if missing:
        print(f"error: {', '.join(map(str, missing))} not found (use --shared)", file=sys.stderr)
        return 1
    records = read_records(args.shared)
    pages = [news_page(records[i % len(records)], i) for i in range(args.pages)]
    document_from_html(pages[0], origin="warm-up")  # imports and caches, not timed
    times = []
    began = time.perf_counter()
    for number, page in enumerate(pages):
        start = time.perf_counter()
        document_from_html(page, origin=f"page-{number}", url=f"https://news.example/{number}")
        times.append(time.perf_counter() - start)
    seconds = time.perf_counter() - began
    size = sum(len(p.encode("utf-8")) for p in pages) / len(pages) / 1000
    print(f"HTML to Document (trafilatura + line rules), one process: {args.pages} pages of "
          f"{size:.0f} KB on average in {seconds:.1f} s = {args.pages / seconds:.0f} pages/s; "
          f"median {1000 * statistics.median(times):.1f} ms, p95 "
          f"{1000 * sorted(times)[int(0.95 * len(times))]:.1f} ms a page")
    return 0


if __name__ == "__main__":
    sys.exit(main())
