"""Peer for the embedding-throughput ratio: sentence-transformers on PyTorch (CPU),
all-MiniLM-L6-v2, on the same texts the eoskb benchmark encodes: the first N
documents of a BEIR corpus as `title + " " + text`, batch 32, truncated at the
model's 256 word pieces. Prints texts per second (median of --repeats runs).

Usage: python peer_embed_throughput.py CORPUS.jsonl MODEL_DIR [--n 512] [--threads 2]
"""
import argparse
import json
import os
import statistics
import time

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("corpus")
    ap.add_argument("model")
    ap.add_argument("--n", type=int, default=512)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args()

    import torch
    from sentence_transformers import SentenceTransformer

    torch.set_num_threads(args.threads)
    texts = []
    with open(args.corpus) as f:
        for line in f:
            doc = json.loads(line)
            texts.append((doc.get("title", "") + " " + doc.get("text", "")).strip())
            if len(texts) == args.n:
                break
    model = SentenceTransformer(args.model, device="cpu")
    model.encode(texts[:32], batch_size=32)  # warm-up
    rates = []
    for _ in range(args.repeats):
        start = time.perf_counter()
        model.encode(texts, batch_size=32, normalize_embeddings=True, show_progress_bar=False)
        rates.append(len(texts) / (time.perf_counter() - start))
    query_ms = []
    for text in texts[:50]:
        start = time.perf_counter()
        model.encode([text[:120]], batch_size=1, normalize_embeddings=True, show_progress_bar=False)
        query_ms.append((time.perf_counter() - start) * 1000)
    print(json.dumps({
        "system": f"sentence-transformers on torch {torch.__version__}",
        "texts": len(texts),
        "texts_per_s": statistics.median(rates),
        "query_ms_p50": statistics.median(query_ms),
    }))


if __name__ == "__main__":
    main()
