"""Animations from frames: GIF through Pillow, MP4 (H.264) through imageio with the ffmpeg that
imageio-ffmpeg bundles. Frames are RGB arrays of shape (height, width, 3), uint8, all of one size;
the file is written beside its final name and put in place only when every frame is in.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

import numpy as np

from .errors import LrguiError
from .fileio import atomic_path

SUFFIXES = (".gif", ".mp4")
GIF_MAX_FPS = 50.0             # GIF counts time in hundredths of a second; viewers slow faster ones
MP4_MAX_FPS = 240.0
GIF_BUDGET = 3 << 30           # bytes of indexed frames a GIF may hold before it is written


class MovieError(LrguiError):
    """An animation that cannot be made as asked (type, size, frame rate) or written."""


def check_movie(path, size: tuple[int, int], fps: float, frames: int) -> str:
    """Raise MovieError unless ``frames`` frames of ``size`` at ``fps`` can be written to
    ``path``; return its suffix."""
    suffix = Path(path).suffix.lower()
    width, height = size
    if suffix not in SUFFIXES:
        raise MovieError(f"an animation is saved as {' or '.join(SUFFIXES)}, not {suffix or 'no extension'}")
    limit = GIF_MAX_FPS if suffix == ".gif" else MP4_MAX_FPS
    if not 0 < fps <= limit:
        raise MovieError(f"the frame rate must be above 0 and at most {limit:g} frames a second for "
                         f"{suffix[1:].upper()}, not {fps:g}")
    if frames < 1:
        raise MovieError("an animation needs at least one frame")
    if suffix == ".mp4" and (width % 2 or height % 2):
        raise MovieError(f"an MP4 (H.264) is an even number of pixels wide and high, not {width} × {height}")
    if suffix == ".gif" and frames * width * height > GIF_BUDGET:
        raise MovieError(f"{frames} frames of {width} × {height} are too many for a GIF (it holds every "
                         "frame until the end): choose a smaller size, fewer frames (--every) or MP4")
    return suffix


class MovieWriter:
    """Collects frames and writes the animation at ``path`` on ``close()``; ``abort()`` (or an
    exception inside a ``with`` block) leaves ``path`` as it was."""

    def __init__(self, path, size: tuple[int, int], fps: float, frames: int):
        self.suffix = check_movie(path, size, fps, frames)
        self.size, self.fps, self.count = tuple(size), float(fps), 0
        self._place = atomic_path(path, suffix=self.suffix)
        self._tmp = self._place.__enter__()
        self._gif: list = []
        self._mp4 = None
        if self.suffix == ".mp4":
            import imageio.v2 as imageio

            self._mp4 = imageio.get_writer(str(self._tmp), format="FFMPEG", mode="I", fps=self.fps,
                                           codec="libx264", pixelformat="yuv420p", macro_block_size=1,
                                           quality=8, ffmpeg_log_level="error")

    def add(self, rgb: np.ndarray) -> None:
        """One frame, (height, width, 3) uint8."""
        width, height = self.size
        if rgb.shape != (height, width, 3) or rgb.dtype != np.uint8:
            raise MovieError(f"a frame of {rgb.shape} {rgb.dtype} in an animation of {width} × {height}")
        if self._mp4 is not None:
            self._mp4.append_data(rgb)
        else:
            from PIL import Image

            self._gif.append(Image.fromarray(rgb, "RGB").quantize(256, method=Image.Quantize.FASTOCTREE,
                                                                 dither=Image.Dither.NONE))
        self.count += 1

    def close(self) -> None:
        try:
            if self._mp4 is not None:
                self._mp4.close()
            else:
                first, *rest = self._gif
                first.save(self._tmp, format="GIF", save_all=True, append_images=rest, loop=0,
                           duration=round(1000 / self.fps), disposal=1)
        except BaseException as exc:
            self.abort(exc)
            raise
        self._gif = []
        self._place.__exit__(None, None, None)

    def abort(self, exc: BaseException | None = None) -> None:
        if self._mp4 is not None:
            with contextlib.suppress(Exception):
                self._mp4.close()
        self._gif = []
        error = exc or MovieError("cancelled")
        with contextlib.suppress(BaseException):
            self._place.__exit__(type(error), error, None)

    def __enter__(self) -> "MovieWriter":
        return self

    def __exit__(self, kind, exc, tb) -> None:
        if kind is None:
            self.close()
        else:
            self.abort(exc)
