"""PyTorch at its pace on hosts where giving memory back to the kernel is slow.

PyTorch 1.13 allocates CPU tensors with glibc's malloc and keeps no cache of its own. glibc returns
large freed blocks to the kernel (mmap/munmap above its threshold, and trimming the heap's top), so
every training step faults its activations back in, page by page. On some virtual machines that is
most of the step: the book CNN (`cnn-bn`, batch 128) ran at 115 img/s on one thread on an AMD EPYC
host, 630 img/s with freed memory kept, and the same held, less strongly, for the other models. The
arithmetic is the same either way; only the time changes.

`keep_freed_memory()` re-executes the running script once with glibc told to serve large blocks
from its heap and keep what is freed (MALLOC_MMAP_THRESHOLD_, MALLOC_TRIM_THRESHOLD_,
MALLOC_TOP_PAD_), as a caching allocator (jemalloc, tcmalloc) would. Set ASL_TORCH_MALLOC=default
to measure glibc's defaults instead.
"""
import os
import sys

SETTINGS = {
    "MALLOC_MMAP_THRESHOLD_": str(1 << 32),
    "MALLOC_TRIM_THRESHOLD_": str(1 << 36),
    "MALLOC_TOP_PAD_": str(1 << 30),
}


def keep_freed_memory():
    """Returns "kept" or "default" (for the script's JSON); re-executes the script first when needed."""
    if os.environ.get("ASL_TORCH_MALLOC") == "default":
        return "default"
    if all(os.environ.get(k) == v for k, v in SETTINGS.items()):
        return "kept"
    os.environ.update(SETTINGS)
    os.execv(sys.executable, [sys.executable] + sys.argv)
