#!/usr/bin/env python3
"""Times html2text (the LLM Engineer's Handbook's HTML -> Markdown converter) on a directory.

Every *.html page is loaded and decoded first; only the conversion loop is timed, the whole
set converted --repeat times with a fresh converter per page, as LangChain's Html2TextTransformer
does. Prints one JSON line: {"pages": ..., "seconds": ..., "pages_per_second": ...}.

Usage: html2text_baseline.py PAGES_DIR [--repeat N]
"""

import argparse
import json
import os
import re
import sys
import time

try:
    import html2text
except ImportError:
    sys.exit("html2text is not installed: pip install html2text")

META_CHARSET = re.compile(rb"<meta[^>]+charset=[\"']?([A-Za-z0-9_-]+)", re.IGNORECASE)


def decode(data):
    """Decodes a page by its <meta charset>, else as UTF-8 (Latin-1 if that fails)."""
    match = META_CHARSET.search(data[:4096])
    if match:
        try:
            return data.decode(match.group(1).decode("ascii"))
        except (LookupError, UnicodeDecodeError):
            pass
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pages")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    names = sorted(n for n in os.listdir(args.pages) if n.endswith(".html"))
    texts = []
    for name in names:
        with open(os.path.join(args.pages, name), "rb") as f:
            texts.append(decode(f.read()))

    converted = 0
    start = time.perf_counter()
    for _ in range(args.repeat):
        for text in texts:
            converted += len(html2text.HTML2Text().handle(text))
    seconds = time.perf_counter() - start

    pages = len(texts) * args.repeat
    print(
        json.dumps(
            {
                "pages": pages,
                "seconds": round(seconds, 6),
                "pages_per_second": round(pages / seconds, 3) if seconds > 0 else None,
                "output_chars": converted,
            }
        )
    )


if __name__ == "__main__":
    main()
