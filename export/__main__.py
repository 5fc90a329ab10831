"""``python -m export build``: build every model the edge daemon loads."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from edge_runtime.config import DEFAULT_MODEL_DIR

_DEFAULT_CACHE = Path(__file__).resolve().parent.parent / ".cache" / "export"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m export", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    build = commands.add_parser("build", help="build the models (does nothing when they are up to date)")
    build.add_argument("--model-dir", type=Path, default=DEFAULT_MODEL_DIR, help="default: %(default)s")
    build.add_argument(
        "--force",
        action="store_true",
        help="rebuild even when the models are up to date (fine-tuned weights still come from --cache-dir "
        "when cached; remove it to retrain)",
    )
    build.add_argument(
        "--cache-dir",
        type=Path,
        default=_DEFAULT_CACHE,
        help="fine-tuned weights are kept here so that later steps can change without retraining",
    )
    build.add_argument("--only", choices=("router", "specialists"), help="build one kind of model only")
    prepare = commands.add_parser(
        "prepare", help="build the uncommitted part of a model directory (the specialists' base model) if missing"
    )
    prepare.add_argument("--model-dir", type=Path, default=DEFAULT_MODEL_DIR, help="default: %(default)s")
    prepare.add_argument("--cache-dir", type=Path, default=_DEFAULT_CACHE)
    rescore = commands.add_parser(
        "rescore",
        help="score the shipped specialists again under this runtime's decoding and record it in the manifest "
        "(after a change to the engine, not to the weights)",
    )
    rescore.add_argument("--model-dir", type=Path, default=DEFAULT_MODEL_DIR, help="default: %(default)s")
    rescore.add_argument("--cache-dir", type=Path, default=_DEFAULT_CACHE)
    args = parser.parse_args(argv)
    if args.command == "prepare":
        from export.build import prepare_main

        return prepare_main(args.model_dir.resolve(), args.cache_dir.resolve())
    if args.command == "rescore":
        from export.build import rescore_main

        return rescore_main(args.model_dir.resolve(), args.cache_dir.resolve())

    # Imported here so that `--help` answers without loading torch.
    from export.build import main as build_main

    return build_main(args.model_dir.resolve(), args.cache_dir.resolve(), force=args.force, only=args.only)


if __name__ == "__main__":
    sys.exit(main())
