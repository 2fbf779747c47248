"""CPU seconds of a clean build that each dependency group alone brings.

Usage: dependency_cost.py METADATA_JSON RUSTC_LOG
RUSTC_LOG lines: "<package> <crate> <user s> <system s>" (scripts/dependency-cost.sh).
A group's cost is the compile time of the crates reachable from its direct
dependencies and from no other direct dependency of eoskb (normal and build
dependencies; platform-specific crates that are never compiled here cost 0).
"""
import collections
import json
import sys

GROUPS = {
    "PDF (pdf-extract, lopdf)": ["pdf-extract", "lopdf"],
    "HTML pages (scraper, ego-tree)": ["scraper", "ego-tree"],
    "XML records (quick-xml)": ["quick-xml"],
    "harvest client (reqwest, rustls, rustls-graviola, webpki-roots)": [
        "reqwest", "rustls", "rustls-graviola", "webpki-roots"],
    "embedding (candle-core, candle-nn, candle-transformers, tokenizers, gemm)": [
        "candle-core", "candle-nn", "candle-transformers", "tokenizers", "gemm"],
    "search (tantivy)": ["tantivy"],
    "RDF (oxigraph, oxrdfxml)": ["oxigraph", "oxrdfxml"],
    "server (axum, hyper, hyper-util, tower-http, tokio)": [
        "axum", "hyper", "hyper-util", "tower-http", "tokio"],
}


def main(metadata_path, log_path):
    meta = json.load(open(metadata_path))
    packages = {p["id"]: p for p in meta["packages"]}
    nodes = {n["id"]: n for n in meta["resolve"]["nodes"]}
    root = next(i for i in nodes if packages[i]["name"] == "eoskb")

    def deps(node):
        return [d["pkg"] for d in nodes[node]["deps"]
                if {k["kind"] for k in d["dep_kinds"]} - {"dev"}]

    def reach(starts):
        seen, stack = set(), list(starts)
        while stack:
            x = stack.pop()
            if x not in seen:
                seen.add(x)
                stack.extend(deps(x))
        return seen

    direct = {packages[d]["name"]: d for d in deps(root)}
    cpu = collections.defaultdict(float)
    runs = 0
    for line in open(log_path):
        parts = line.split()
        if len(parts) == 4:
            cpu[parts[0]] += float(parts[2]) + float(parts[3])
            runs += 1
    total = sum(cpu.values())
    print(f"clean release build: {total:.0f} CPU-s of rustc over {runs} compilations "
          f"(eoskb itself: {cpu.get('eoskb', 0):.0f} CPU-s)")
    for name, group in GROUPS.items():
        missing = [g for g in group if g not in direct]
        if missing:
            print(f"{name}: not direct dependencies: {', '.join(missing)}")
            continue
        mine = reach(direct[g] for g in group)
        others = reach(v for k, v in direct.items() if k not in group)
        only = sorted({packages[i]["name"] for i in mine - others})
        seconds = sum(cpu.get(n, 0.0) for n in only)
        print(f"{name}: {len(only)} crates only it needs, {seconds:.0f} CPU-s "
              f"= {100 * seconds / total:.1f} % of the build")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
