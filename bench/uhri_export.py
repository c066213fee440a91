"""Write a synthetic UHRI export (JSON) of N records to time `import_recommendations` on a file of the real size.

    .venv/bin/python bench/uhri_export.py --records 250000 --output var/uhri-250k.json
    /usr/bin/time -v .venv/bin/python manage.py import_recommendations var/uhri-250k.json --dry-run

Every record is a copy of the real sample record (shared/data/uhri/export-record-sample.json, a CRC
concluding observation); every `--upr-every`-th becomes a synthetic UPR recommendation to China, Peru,
Japan or Kenya in session 45, marked "Synthetic" in its text. Nothing here is a fact: it is for timing.
"""

import argparse
import copy
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT.parent / "shared" / "data" / "uhri" / "export-record-sample.json"
RECOMMENDING = ["Mexico", "Chile", "France", "Germany", "Japan", "Brazil", "India", "Kenya", "Norway", "Peru"]
REVIEWED = ["China", "Peru", "Japan", "Kenya"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=250_000)
    parser.add_argument("--upr-every", type=int, default=50, help="one UPR record in this many")
    parser.add_argument("--sample", type=Path, default=SAMPLE)
    parser.add_argument("--output", type=Path, required=True)
    args = parser.parse_args()
    if not args.sample.exists():
        sys.exit(f"The sample record is absent: {args.sample}")
    sample = json.loads(args.sample.read_text())[0]
    with args.output.open("w", encoding="utf-8") as out:
        out.write("[")
        for i in range(args.records):
            record = copy.deepcopy(sample)
            record["AnnotationId"] = f"synthetic-{i}"
            if i % args.upr_every == 0:
                record.update(
                    Body="- UPR",
                    AnnotationType="- Recommendations",
                    Countries=[REVIEWED[i % len(REVIEWED)]],
                    Text=f"Synthetic recommendation {i} on {sample['Themes'][i % len(sample['Themes'])]} "
                    f"({RECOMMENDING[i % len(RECOMMENDING)]});",
                    UprCycle=4,
                    UprSession=[45],
                    UprPositions=["Supported" if i % 3 else "Noted"],
                    UprRecommendingCountry=[RECOMMENDING[i % len(RECOMMENDING)]],
                    Symbol="A/HRC/56/6",
                )
            out.write(("," if i else "") + json.dumps(record, ensure_ascii=False))
        out.write("]")


if __name__ == "__main__":
    main()
