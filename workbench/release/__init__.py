"""The one release gate: everything that leaves the screen passes here.

:func:`release` turns content plus a :class:`Policy` (destination and the store's rules,
from :func:`policy`) into a :class:`Released` value, the only thing exporters and
writers accept; :func:`export` writes released content to files safely and audits it.
See :mod:`workbench.release.gate` for the rules and :mod:`workbench.release.files` for
how files are written.
"""

from workbench.release.files import (
                                    Output,
                                    check_target,
                                    export,
                                    make_folder,
                                    png_metadata,
                                    safe_cell,
                                    write_csv,
)
from workbench.release.gate import (
                                    Content,
                                    Fact,
                                    Policy,
                                    Released,
                                    ReleaseError,
                                    check_destination,
                                    decide,
                                    policy,
                                    release,
                                    report_key,
)
from workbench.release.marking import (
                                    ACCREDITATION_KEY,
                                    accreditation,
                                    highest,
                                    marking_rank,
                                    release_ceiling,
                                    store_marking,
)

__all__ = ["ACCREDITATION_KEY", "Content", "Fact", "Output", "Policy", "ReleaseError", "Released", "accreditation",
           "check_destination", "check_target", "decide", "export", "highest", "make_folder", "marking_rank",
           "png_metadata", "policy", "release", "release_ceiling", "report_key", "safe_cell", "store_marking",
           "write_csv"]
