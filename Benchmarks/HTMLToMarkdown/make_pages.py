#!/usr/bin/env python3
"""Generates realistic, varied HTML pages for the HTML -> Markdown benchmark.

Deterministic (fixed seed): the same command always writes the same bytes. All text is
made up from the word lists below, so the pages carry no third-party content.

Usage: make_pages.py OUTPUT_DIR [--count N] [--seed S]
"""

import argparse
import os
import random

WORDS = (
    "the a of and to in is that for it as with was on be by this are from or at an have not but "
    "which one all were we when there can been has more if will would so what about out up into "
    "model data vector search index query token layer training pipeline feature embedding prompt "
    "retrieval dataset batch cache latency throughput memory cluster service request response "
    "graph node edge weight matrix tensor gradient loss metric signal window context chunk store "
    "document article author system design pattern trade off budget quality baseline result test "
    "simple careful quick robust small large fast slow early late clear open stable steady fresh "
    "build measure compare deploy monitor refine explain choose reduce keep drop read write ship"
).split()

SYLLABLES = "ka lo mi ren sa tor vi nel qu ash bel cor dan fi gum hal jo kip lum mor".split()

LATIN1_WORDS = "café naïve résumé Zürich façade déjà crème brûlée señor über Ångström".split()

LANGUAGES = ["python", "swift", "rust", "js", "sh", "sql", "go"]

CSS_PROPS = ["color", "margin", "padding", "font-size", "display", "line-height", "border"]


class Page:
    """Builds one page; `r` is the page's own random generator."""

    def __init__(self, r, index, latin1):
        self.r = r
        self.index = index
        self.latin1 = latin1

    # Text ------------------------------------------------------------------------------

    def word(self):
        r = self.r
        roll = r.random()
        if self.latin1 and roll < 0.03:
            return r.choice(LATIN1_WORDS)
        if roll < 0.08:
            return "".join(r.choice(SYLLABLES) for _ in range(r.randint(2, 4)))
        return r.choice(WORDS)

    def words(self, low, high):
        return " ".join(self.word() for _ in range(self.r.randint(low, high)))

    def sentence(self):
        text = self.words(6, 22)
        return text[0].upper() + text[1:] + self.r.choice([".", ".", ".", "?", "!", ";"])

    def inline(self):
        """A sentence with inline markup and entities sprinkled in."""
        r = self.r
        parts = []
        for _ in range(r.randint(1, 4)):
            s = self.sentence()
            roll = r.random()
            if roll < 0.15:
                s = s.replace(" ", " <em>", 1) + "</em>"
            elif roll < 0.25:
                s = "<strong>" + s + "</strong>"
            elif roll < 0.35:
                s += " Use <code>" + self.word() + "_" + self.word() + "()</code> here."
            elif roll < 0.50:
                s += ' See <a href="%s">%s</a>.' % (self.href(), self.words(1, 4))
            elif roll < 0.55:
                s += " Costs &lt; 5&nbsp;ms &amp; scales &mdash; &#8220;mostly&#8221; &eacute;tude."
            elif roll < 0.58:
                s += " <b>unclosed bold <i>and italic</b> mis-nested</i>"
            parts.append(s)
        return " ".join(parts)

    def href(self):
        r = self.r
        roll = r.random()
        if roll < 0.3:
            return "https://example-%d.org/%s/%s" % (r.randint(1, 40), self.word(), self.word())
        if roll < 0.6:
            return "/%s/%s-%d.html" % (self.word(), self.word(), r.randint(1, 999))
        if roll < 0.8:
            return "../%s/" % self.word()
        if roll < 0.9:
            return "#section-%d" % r.randint(1, 9)
        return "%s.html?ref=%s&amp;page=%d" % (self.word(), self.word(), r.randint(1, 9))

    # Blocks ----------------------------------------------------------------------------

    def paragraph(self):
        if self.r.random() < 0.1:
            return "<p>" + self.inline() + "\n"  # unclosed <p>
        return "<p>" + self.inline() + "</p>\n"

    def list_block(self, depth=0):
        r = self.r
        tag = r.choice(["ul", "ol"])
        items = []
        for _ in range(r.randint(2, 7)):
            item = "<li>" + self.words(3, 14)
            if depth < 2 and r.random() < 0.2:
                item += self.list_block(depth + 1)
            if r.random() < 0.85:
                item += "</li>"
            items.append(item)
        return "<%s>%s</%s>\n" % (tag, "\n".join(items), tag)

    def code_block(self):
        r = self.r
        lang = r.choice(LANGUAGES)
        lines = []
        indent = 0
        for _ in range(r.randint(4, 30)):
            roll = r.random()
            if roll < 0.2:
                line = '<span class="hljs-keyword">def</span> %s(%s):' % (self.word(), self.word())
                lines.append("    " * indent + line)
                indent = min(indent + 1, 3)
            elif roll < 0.3:
                lines.append("")
            elif roll < 0.45:
                indent = max(indent - 1, 0)
                lines.append("    " * indent + '<span class="hljs-comment"># %s</span>' % self.words(2, 8))
            else:
                lines.append(
                    "    " * indent
                    + "%s = %s(%s) &lt;= %d &amp;&amp; &quot;%s&quot;"
                    % (self.word(), self.word(), self.word(), r.randint(0, 99), self.word())
                )
        cls = r.choice(["language-", "lang-", "hljs language-"]) + lang
        return '<pre><code class="%s">%s\n</code></pre>\n' % (cls, "\n".join(lines))

    def table(self):
        r = self.r
        cols = r.randint(2, 6)
        head = "".join("<th>%s</th>" % self.words(1, 3) for _ in range(cols))
        rows = []
        for _ in range(r.randint(2, 15)):
            cells = "".join(
                "<td>%s</td>" % (self.words(1, 5) if r.random() < 0.7 else "%.2f" % r.random())
                for _ in range(cols)
            )
            rows.append("<tr>" + cells + "</tr>")
        return "<table class=\"data\"><thead><tr>%s</tr></thead><tbody>%s</tbody></table>\n" % (
            head,
            "\n".join(rows),
        )

    def image(self):
        r = self.r
        return '<figure><img src="/images/%s-%d.png" alt="%s" width="%d"><figcaption>%s</figcaption></figure>\n' % (
            self.word(),
            r.randint(1, 500),
            self.words(2, 6),
            r.randint(200, 1200),
            self.words(3, 10),
        )

    def quote(self):
        return "<blockquote><p>%s</p></blockquote>\n" % self.inline()

    def section(self, level):
        r = self.r
        out = ['<h%d id="section-%d">%s</h%d>\n' % (level, r.randint(1, 9), self.words(2, 7), level)]
        for _ in range(r.randint(2, 8)):
            roll = r.random()
            if roll < 0.55:
                out.append(self.paragraph())
            elif roll < 0.68:
                out.append(self.list_block())
            elif roll < 0.78:
                out.append(self.code_block())
            elif roll < 0.85:
                out.append(self.table())
            elif roll < 0.93:
                out.append(self.image())
            else:
                out.append(self.quote())
        return "".join(out)

    # Furniture -------------------------------------------------------------------------

    def nav(self):
        links = "".join(
            '<li class="menu-item"><a href="%s">%s</a></li>' % (self.href(), self.words(1, 3))
            for _ in range(self.r.randint(5, 40))
        )
        return '<nav class="main-nav"><ul class="menu">%s</ul></nav>\n' % links

    def script(self):
        r = self.r
        body = ";\n".join(
            "var %s_%d = function(%s) { return %s.%s(%d) && '%s'; }"
            % (self.word(), i, self.word(), self.word(), self.word(), r.randint(0, 99), self.words(1, 3))
            for i in range(r.randint(5, 120))
        )
        return "<script>\n%s\n</script>\n" % body

    def style(self):
        r = self.r
        rules = "\n".join(
            ".%s-%d { %s: %dpx; %s: %s; }"
            % (self.word(), i, r.choice(CSS_PROPS), r.randint(0, 40), r.choice(CSS_PROPS), self.word())
            for i in range(r.randint(10, 200))
        )
        return "<style>\n%s\n</style>\n" % rules

    def sidebar(self):
        widgets = "".join(
            '<div class="widget"><h3>%s</h3><ul>%s</ul></div>'
            % (
                self.words(1, 3),
                "".join('<li><a href="%s">%s</a></li>' % (self.href(), self.words(2, 6)) for _ in range(8)),
            )
            for _ in range(self.r.randint(1, 4))
        )
        return '<aside class="sidebar">%s</aside>\n' % widgets

    def comments(self):
        items = "".join(
            '<li class="comment"><div class="comment-author">%s</div><p>%s</p></li>'
            % (self.words(1, 2), self.inline())
            for _ in range(self.r.randint(1, 25))
        )
        return '<section id="comments" class="comments-area"><h2>Comments</h2><ol class="comment-list">%s</ol></section>\n' % items

    def related(self):
        cards = "".join(
            '<article class="card"><a href="%s"><h3>%s</h3></a><p>%s</p></article>'
            % (self.href(), self.words(3, 8), self.sentence())
            for _ in range(self.r.randint(2, 6))
        )
        return '<div class="related-posts">%s</div>\n' % cards

    def footer(self):
        links = " | ".join('<a href="%s">%s</a>' % (self.href(), self.words(1, 2)) for _ in range(10))
        return "<footer class=\"site-footer\"><p>&copy; 2024 %s</p><p>%s</p></footer>\n" % (self.words(1, 3), links)

    def newsletter(self):
        return (
            '<div class="newsletter-signup"><h3>%s</h3><form action="/subscribe">'
            '<input type="email" name="email"><button>Subscribe</button></form></div>\n' % self.words(3, 6)
        )

    # Page ------------------------------------------------------------------------------

    def build(self, target_bytes):
        r = self.r
        layout = self.index % 4  # semantic, main-only, div soup, table layout
        title = self.words(3, 9).title()
        charset = "iso-8859-1" if self.latin1 else "utf-8"
        head = [
            "<!DOCTYPE html>\n" if r.random() < 0.9 else "",
            '<html lang="%s"><head>\n' % r.choice(["en", "en-US", "en-gb"]),
            '<meta charset="%s">\n' % charset,
            "<title>%s | %s</title>\n" % (title, self.words(1, 2).title()),
            '<meta name="description" content="%s">\n' % self.sentence(),
            '<meta property="og:title" content="%s">\n' % title,
            '<link rel="canonical" href="https://blog.example.com/posts/%d">\n' % self.index,
            self.style(),
            self.script(),
            "</head>\n",
        ]
        top = ['<body class="post-template">\n', '<div class="cookie-banner">%s <button>OK</button></div>\n' % self.sentence()]
        top.append('<header class="site-header"><a class="logo" href="/">%s</a>%s</header>\n' % (self.words(1, 2), self.nav()))

        article = ["<h1>%s</h1>\n" % title, '<p class="subtitle">%s</p>\n' % self.sentence()]
        size = sum(len(s) for s in head + top) + 2000
        furniture = [self.sidebar(), self.newsletter(), self.related(), self.comments(), self.footer(), self.script()]
        size += sum(len(s) for s in furniture)
        sections = 0
        # Every page has an article of at least a few sections, however much furniture it has.
        while size < target_bytes or sections < 3:
            sections += 1
            block = self.section(r.choice([2, 2, 3, 3, 4]))
            article.append(block)
            size += len(block)
        body = "".join(article)

        if layout == 0:
            main = '<div class="container"><article class="post post-header-visible">%s%s</article>%s</div>' % (
                body,
                furniture[3],
                furniture[0],
            )
        elif layout == 1:
            main = '<main id="content"><div class="entry-content">%s</div>%s</main>%s' % (body, furniture[3], furniture[0])
        elif layout == 2:
            main = '<div id="wrapper"><div id="left-col">%s</div><div id="content-body"><div class="post-body">%s</div></div>%s</div>' % (
                furniture[0],
                body,
                furniture[3],
            )
        else:
            main = '<table width="100%%"><tr><td valign="top">%s</td><td class="content">%s</td></tr></table>%s' % (
                furniture[0],
                body,
                furniture[3],
            )
        stray = "</div></span>" if r.random() < 0.3 else ""
        tail = [furniture[1], furniture[2], furniture[4], furniture[5], stray, "</body></html>\n" if r.random() < 0.9 else ""]
        return "".join(head + top + [main] + tail)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("output")
    parser.add_argument("--count", type=int, default=240)
    parser.add_argument("--seed", type=int, default=20240601)
    args = parser.parse_args()
    os.makedirs(args.output, exist_ok=True)
    master = random.Random(args.seed)
    total = 0
    for index in range(args.count):
        r = random.Random(master.getrandbits(64))
        latin1 = index % 25 == 7
        # Sizes spread across 10-150 KB, weighted toward typical 20-60 KB posts.
        target = int(min(150_000, max(10_000, r.lognormvariate(10.5, 0.6))))
        html = Page(r, index, latin1).build(target)
        data = html.encode("latin-1" if latin1 else "utf-8")
        if len(data) > 150_000:
            cut = data.rfind(b"</p>", 0, 149_000)
            data = data[: cut + 4] + b"\n</body></html>\n"
        with open(os.path.join(args.output, "page-%04d.html" % index), "wb") as f:
            f.write(data)
        total += len(data)
    print("wrote %d pages, %.1f MB, to %s" % (args.count, total / 1e6, args.output))


if __name__ == "__main__":
    main()
