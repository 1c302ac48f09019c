"""scikit-learn's answers for tests/cli/sklearn_parity.rs: vectoriser vocabularies, count and
TF-IDF vectors, and classification metrics, for the cases that test sends.

    python sklearn_reference.py CASES.json  > ANSWERS.json
"""
import json
import sys
import warnings

import sklearn
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer
from sklearn.metrics import accuracy_score, confusion_matrix, precision_recall_fscore_support

warnings.filterwarnings("ignore")  # zero-division warnings: the value (0) is what is compared


def triples(matrix):
    m = matrix.tocoo()
    return sorted([int(r), int(c), float(v)] for r, c, v in zip(m.row, m.col, m.data))


def vectorizer_case(case, fit, evaluate):
    pattern = r"(?u)\b\w\w+\b" if case["min_token_chars"] == 2 else r"(?u)\b\w+\b"
    args = dict(
        lowercase=case["lowercase"],
        token_pattern=pattern,
        ngram_range=tuple(case["ngram_range"]),
        min_df=case["min_df"],
        max_df=case["max_df"],
        max_features=case["max_features"],
    )
    counts = CountVectorizer(**args).fit(fit)
    tfidf = TfidfVectorizer(**args).fit(fit)
    # Is there a tie in total count at the max_features cut? (numpy then picks arbitrarily.)
    # The cut is among the terms that pass the document-frequency filter.
    unlimited = CountVectorizer(**{**args, "max_features": None}).fit(fit)
    names = unlimited.get_feature_names_out()
    sums = unlimited.transform(fit).sum(axis=0).A1
    totals = sorted(sums.tolist(), reverse=True)
    k = case["max_features"]
    cut = totals[k - 1] if k is not None and len(totals) > k else None
    tie = cut is not None and totals[k] == cut
    return {
        "terms": counts.get_feature_names_out().tolist(),
        "counts": triples(counts.transform(evaluate)),
        "tfidf": triples(tfidf.transform(evaluate)),
        "cut_count": cut if tie else None,
        "totals": {t: int(c) for t, c in zip(names, sums)} if tie else None,
    }


def prf(y_true, y_pred, labels, average, pos_label=1):
    try:
        p, r, f, _ = precision_recall_fscore_support(
            y_true, y_pred, labels=labels, average=average, pos_label=pos_label
        )
        return [float(p), float(r), float(f)]
    except ValueError:
        return None


def metrics_case(case):
    t, p, labels = case["y_true"], case["y_pred"], case["labels"]
    n = max(t + p + (labels or [])) + 1
    per = precision_recall_fscore_support(t, p, labels=labels, average=None)
    return {
        "accuracy": float(accuracy_score(t, p)),
        "confusion": confusion_matrix(t, p, labels=list(range(n))).tolist(),
        "binary": prf(t, p, None, "binary"),
        "macro": prf(t, p, labels, "macro"),
        "micro": prf(t, p, labels, "micro"),
        "weighted": prf(t, p, labels, "weighted"),
        "per_class": [[float(x) for x in arr] for arr in per],
    }


def main():
    with open(sys.argv[1], encoding="utf-8") as f:
        cases = json.load(f)
    out = {
        "sklearn_version": sklearn.__version__,
        "vectorizers": {c["name"]: vectorizer_case(c, cases["fit"], cases["eval"]) for c in cases["vectorizers"]},
        "metrics": {c["name"]: metrics_case(c) for c in cases["metrics"]},
    }
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
