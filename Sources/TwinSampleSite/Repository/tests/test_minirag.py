from minirag import BM25, chunk_markdown


def test_chunks_keep_their_heading_and_overlap():
    text = "# Caching\n" + " ".join(f"w{i}" for i in range(30))
    chunks = chunk_markdown(text, max_words=20, overlap=5)
    assert [c.heading for c in chunks] == ["Caching", "Caching"]
    assert chunks[1].text.split()[1] == "w15"


def test_exact_terms_rank_first():
    index = BM25(["error E1234 in the loader", "loaders and errors in general", "nothing here"])
    assert index.top("E1234", k=1)[0][0] == 0
