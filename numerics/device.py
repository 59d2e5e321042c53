"""Device and dtype selection, and the rounding model that every tolerance is derived from."""

from __future__ import annotations

import platform

import torch

from dlverify.theorems.core import DlverifyError

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


class RunContext:
    """What one run uses: device, dtype, seed and the profile that sets the sizes."""

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
