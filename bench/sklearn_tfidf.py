"""The scikit-learn peer of `rlab bench text` for bench/compare.py: TfidfVectorizer with its
defaults (and ngram_range (1, N)), fit_transform on the 4,837 texts of the sms-spam dataset that
`rlab data fetch sms-spam` stores, timed per pass; prints one JSON line with the median pass."""
import argparse, csv, json, os, statistics, time
from pathlib import Path

from sklearn.feature_extraction.text import TfidfVectorizer


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--data", default=os.environ.get("RLAB_DATA", str(Path.home() / ".cache/rlab/data")))
    p.add_argument("--rounds", type=int, default=20)
    p.add_argument("--max-ngram", type=int, default=1)
    a = p.parse_args()
    with open(Path(a.data) / "sms-spam" / "sms-spam.csv", newline="", encoding="utf-8") as f:
        texts = [row["text"] for row in csv.DictReader(f)]
    seconds, nonzeros = [], 0
    for _ in range(a.rounds):
        start = time.perf_counter()
        m = TfidfVectorizer(ngram_range=(1, a.max_ngram)).fit_transform(texts)
        seconds.append(time.perf_counter() - start)
        nonzeros = m.nnz
    med = statistics.median(seconds)
    print(json.dumps({"documents": len(texts), "ngram_range": [1, a.max_ngram], "nonzeros": int(nonzeros),
                      "median_seconds": med, "documents_per_second": len(texts) / med}))


if __name__ == "__main__":
    main()
