"""Device and dtype selection, and the rounding model that every tolerance is derived from."""

from __future__ import annotations

import hashlib
import platform
from collections.abc import Callable
from typing import Any, TypeVar

import torch

from ..theorems.core import DlverifyError

DEVICES = ("auto", "cpu", "cuda")


def select_device(name: str = "auto") -> torch.device:
    """``auto`` picks CUDA when present, else CPU; asking for CUDA without one is bad input."""
    if name not in DEVICES:
        raise DlverifyError(f"unknown device '{name}'; allowed: {', '.join(DEVICES)}")
    if name == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if name == "cuda" and not torch.cuda.is_available():
        raise DlverifyError("device 'cuda' requested but torch sees no CUDA device; use --device cpu or auto")
    return torch.device(name)


def describe(device: torch.device) -> str:
    """A human description recorded with every experiment (what ran where)."""
    if device.type == "cuda":
        return f"cuda:{torch.cuda.get_device_name(device)} (torch {torch.__version__})"
    return (
        f"cpu:{platform.processor() or platform.machine()} x{torch.get_num_threads()} threads "
        f"(torch {torch.__version__})"
    )


def unit_roundoff(dtype: torch.dtype = torch.float64) -> float:
    """u = eps/2: |fl(x op y) - (x op y)| <= u |x op y| for one IEEE operation."""
    return torch.finfo(dtype).eps / 2


def gamma(n: int, dtype: torch.dtype = torch.float64) -> float:
    """Higham's gamma_n = n u / (1 - n u): the relative error bound of an n-term accumulation."""
    u = unit_roundoff(dtype)
    if n * u >= 1:
        raise DlverifyError(f"{n} operations exceed the precision of {dtype}")
    return n * u / (1 - n * u)


def generator(seed: int, device: torch.device) -> torch.Generator:
    g = torch.Generator(device=device)
    g.manual_seed(int(seed) % (2**63 - 1))
    return g


def finite_or_raise(name: str, t: torch.Tensor) -> None:
    """NaN/inf in data is bad input: say where, do not compute on it."""
    bad = ~torch.isfinite(t)
    if bool(bad.any()):
        idx = tuple(int(i) for i in bad.nonzero()[0])
        raise DlverifyError(f"{name} contains NaN or inf (first at index {idx}); all entries must be finite")


PROFILES = ("ci", "thorough")

T = TypeVar("T")


def derive_seed(seed: int, *names: Any) -> int:
    """The seed rule: a sub-seed derived from the run's seed and the *names* of what is drawn
    (``derive_seed(s, "pairs", "logistic", 16)``), never from a hand-picked offset; stable
    across processes and Python versions (BLAKE2b of the names' ``repr``)."""
    h = hashlib.blake2b(repr((int(seed), *names)).encode(), digest_size=8)
    return int.from_bytes(h.digest(), "big") % (2**63 - 1)


class RunContext:
    """What one run uses: device, dtype, seed and the profile that sets the sizes -- and the
    run's one cache (:meth:`cached`) and seed rule (:meth:`seed_for`).

    :meth:`shared` returns one context per (device, seed, profile, dtype) in a process, so the
    runner and the property checks it runs in the same process share every cached value.
    """

    _SHARED: dict[tuple, RunContext] = {}

    @classmethod
    def shared(
        cls,
        device: str | torch.device = "auto",
        seed: int = 20261123,
        profile: str = "ci",
        dtype: torch.dtype = torch.float64,
    ) -> RunContext:
        probe = cls(device, seed, profile, dtype)
        key = probe.key()
        if key not in cls._SHARED:
            cls._SHARED[key] = probe
        return cls._SHARED[key]

    def __init__(
        self,
        device: str | torch.device = "auto",
        seed: int = 20261123,
        profile: str = "ci",
        dtype: torch.dtype = torch.float64,
    ):
        if profile not in PROFILES:
            raise DlverifyError(f"unknown profile '{profile}'; allowed: {', '.join(PROFILES)}")
        self.device = device if isinstance(device, torch.device) else select_device(device)
        self.seed = int(seed)
        self.profile = profile
        self.dtype = dtype
        self.cache: dict[tuple, Any] = {}

    def key(self) -> tuple:
        """What determines every computed value: device type, seed, profile, dtype."""
        return (self.device.type, self.seed, self.profile, str(self.dtype))

    def seed_for(self, *names: Any) -> int:
        """The seed of one draw, named by what it draws (see :func:`derive_seed`)."""
        return derive_seed(self.seed, *names)

    def generator(self, *names: Any) -> torch.Generator:
        """A generator on the run's device seeded by :meth:`seed_for`."""
        return generator(self.seed_for(*names), self.device)

    def cached(self, key: tuple, compute: Callable[[], T]) -> T:
        """The run's one cache: ``compute()`` once per key (the key names what is computed and
        every argument it depends on beyond this context)."""
        if key not in self.cache:
            self.cache[key] = compute()
        return self.cache[key]

    _UNSET = object()

    def size(self, ci, thorough, gpu=_UNSET):
        """A parameter's size in this run: ``ci`` in the ci profile; in the thorough profile
        ``thorough`` on a CPU (sized to finish within the hour on 2 cores) and ``gpu`` on a
        CUDA device (the big sizes; the thorough size when not given)."""
        if self.profile == "ci":
            return ci
        if gpu is not RunContext._UNSET and self.device.type == "cuda":
            return gpu
        return thorough

    def describe(self) -> dict:
        return {
            "device": describe(self.device),
            "dtype": str(self.dtype).replace("torch.", ""),
            "seed": self.seed,
            "profile": self.profile,
        }
